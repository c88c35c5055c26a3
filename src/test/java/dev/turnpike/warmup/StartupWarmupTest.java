package dev.turnpike.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.l4.L4Listeners;
import dev.turnpike.l4.ListenerSettings;
import dev.turnpike.l4.TcpListener;
import dev.turnpike.support.Gateway;
import dev.turnpike.support.L4Gateway;
import dev.turnpike.support.TestBackend;
import dev.turnpike.support.TrustEverything;
import dev.turnpike.upstream.Pool;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.util.unit.DataSize;

/**
 * The start-up warm-up, on a gateway with every kind of listener: it drives each path to its loopback
 * backend, none of it reaches a configured backend, and nothing of it is left once the gateway serves.
 */
class StartupWarmupTest {

    @TempDir
    Path directory;

    @Test
    void everyPathIsWarmedThroughItsOwnLoopbackCopyAndNothingOfItRemains() throws Exception {
        Path accessLog = directory.resolve("gateway.log");
        try (TestBackend backend = TestBackend.start("configured")) {
            Map<String, Object> properties = Gateway.upstream("pool", backend);
            properties.putAll(L4Gateway.tcpListener(0, "tcp", "pool"));
            properties.put(L4Gateway.key(1, "name"), "sni");
            properties.put(L4Gateway.key(1, "port"), 0);
            properties.put(L4Gateway.key(1, "bind"), "127.0.0.1");
            properties.put(L4Gateway.key(1, "mode"), "tls-passthrough");
            properties.put(L4Gateway.key(1, "default-upstream"), "pool");
            properties.put("turnpike.tls.enabled", true);
            properties.put("turnpike.tls.port", 0);
            properties.put("turnpike.tls.self-signed.directory", directory.resolve("tls").toString());
            properties.put("turnpike.warmup.enabled", true);
            properties.put("turnpike.warmup.duration", "2s");
            properties.put("turnpike.warmup.concurrency", 3);
            properties.put("logging.level.turnpike.access.http", "info");
            properties.put("logging.level.turnpike.access.l4", "info");
            properties.put("logging.file.name", accessLog.toString());
            try (Gateway gateway = Gateway.start(properties)) {
                StartupWarmup warmup = gateway.context().getBean(StartupWarmup.class);
                StartupWarmup.Report report = warmup.report();
                assertThat(report).as("the warm-up ran to its end").isNotNull();
                assertThat(report.took()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
                assertThat(report.completed()).containsOnlyKeys("http-new-connection", "http-keep-alive",
                        "https-new-connection", "https-keep-alive", "tls-passthrough-new-connection",
                        "tcp-new-connection", "tcp-keep-alive", "tcp-bulk", "tcp-many-connections");
                assertThat(report.completed().values()).allSatisfy(count -> assertThat(count).isPositive());
                assertThat(report.failed().values()).allSatisfy(count -> assertThat(count).isZero());
                assertThat(backend.requests()).as("no warm-up request reached a configured backend").isZero();

                assertThat(gateway.context().getBean(RouteLocator.class).getRoutes().map(Route::getId).collectList().block())
                        .doesNotContain(StartupWarmup.NAME);
                assertThat(gateway.upstreams().pools()).extracting(Pool::name).containsExactly("pool");
                assertThat(gateway.context().getBean(L4Listeners.class).listeners())
                        .extracting(listener -> listener.settings().name()).containsExactly("tcp", "sni");
                assertThat(gateway.context().getBean(MeterRegistry.class).getMeters())
                        .allSatisfy(meter -> assertThat(meter.getId().getTags())
                                .noneMatch(tag -> tag.getValue().startsWith(StartupWarmup.NAME)));
                LoggingSystem logging = gateway.context().getBean(LoggingSystem.class);
                assertThat(logging.getLoggerConfiguration("turnpike.access.http").getConfiguredLevel()).isEqualTo(LogLevel.INFO);
                assertThat(logging.getLoggerConfiguration("turnpike.access.l4").getConfiguredLevel()).isEqualTo(LogLevel.INFO);

                // the warm-up's token opens nothing any more: the request takes the configured route
                String token = gateway.context().getBean(WarmupRoute.class).token();
                HttpResponse<String> plain = gateway.get("/after", WarmupRoute.HEADER, token);
                assertThat(plain.statusCode()).isEqualTo(200);
                assertThat(Gateway.backendOf(plain)).isEqualTo("configured");
                assertThat(httpsGet(gateway.tlsPort())).startsWith("HTTP/1.1 200");
                assertThat(plainGet(L4Gateway.port(gateway, "tcp"))).startsWith("HTTP/1.1 200");
                assertThat(backend.requests()).isEqualTo(3);

                Gateway.await(Duration.ofSeconds(5), () -> linesOf(accessLog).stream()
                        .filter(line -> line.contains("listener=tcp")).count() == 1, "the L4 connection's access log line");
                Gateway.await(Duration.ofSeconds(5), () -> linesOf(accessLog).stream()
                        .filter(line -> line.contains("route=pool")).count() == 2, "the two HTTP requests' access log lines");
                assertThat(linesOf(accessLog)).as("the warm-up's traffic is not in the access log")
                        .noneMatch(line -> line.contains("route=" + StartupWarmup.NAME) || line.contains("listener=" + StartupWarmup.NAME));
            }
        }
    }

    @Test
    void aLoadThatHasMadeItsShareGivesWayUntilEveryLoadHasMadeIts() {
        StartupWarmup.Load cheap = load("cheap", () -> 32);
        StartupWarmup.Load dear = load("dear", () -> 1);
        List<StartupWarmup.Load> loads = List.of(cheap, dear);
        assertThat(StartupWarmup.givesWay(cheap, loads)).isFalse();

        while (cheap.requests() < StartupWarmup.SHARE) {
            cheap.runOnce();
        }
        assertThat(StartupWarmup.givesWay(cheap, loads)).isTrue();
        assertThat(StartupWarmup.givesWay(dear, loads)).isFalse();

        for (long i = 1; i < StartupWarmup.SHARE; i++) {
            dear.runOnce();
        }
        assertThat(StartupWarmup.givesWay(cheap, loads)).as("one request short").isTrue();
        dear.runOnce();
        assertThat(loads).as("every load has made its share: all run at full pace")
                .noneMatch(load -> StartupWarmup.givesWay(load, loads));
        assertThat(dear.requests()).isEqualTo(StartupWarmup.SHARE);
    }

    @Test
    void aLoadKeepsItsCountsFromOneRoundToTheNext() {
        StartupWarmup.Load load = load("load", () -> 32);
        load.runOnce();
        load.use(() -> {
            throw new java.io.IOException("refused");
        });
        load.runOnce();
        load.use(() -> 1);
        load.runOnce();
        assertThat(load.requests()).isEqualTo(33);
        assertThat(load.completed.sum()).isEqualTo(2);
        assertThat(load.failed.sum()).isEqualTo(1);
        assertThat(load.lastFailure).isEqualTo("load: java.io.IOException: refused");
    }

    @Test
    void aListenerCopyHasTheConfiguredLimitsAndTimeoutsOnLoopbackWithoutProxyHeaders() {
        ListenerSettings.ClientHello hello = new ListenerSettings.ClientHello(DataSize.ofKilobytes(8), Duration.ofSeconds(4));
        ListenerSettings configured = new ListenerSettings("edge", 9000, "0.0.0.0", ListenerSettings.ListenerMode.TCP,
                "pool", List.of(), null, Duration.ofSeconds(2), Duration.ofMinutes(3), 7,
                ListenerSettings.ProxyProtocol.V2, true, hello);
        assertThat(StartupWarmup.copyOf(configured, "turnpike-warmup-tcp", "turnpike-warmup", null))
                .isEqualTo(new ListenerSettings("turnpike-warmup-tcp", 0, "127.0.0.1", ListenerSettings.ListenerMode.TCP,
                        "turnpike-warmup", List.of(), null, Duration.ofSeconds(2), Duration.ofMinutes(3), 7,
                        ListenerSettings.ProxyProtocol.OFF, false, hello));
    }

    @Test
    void theManyConnectionsLoadStaysWithinAQuarterOfTheListenersLimit() {
        assertThat(StartupWarmup.heldAtOnce(0, 2)).as("no limit").isEqualTo(128);
        assertThat(StartupWarmup.heldAtOnce(10_000, 2)).isEqualTo(128);
        assertThat(StartupWarmup.heldAtOnce(400, 2)).isEqualTo(50);
        assertThat(StartupWarmup.heldAtOnce(400, 4)).isEqualTo(25);
        assertThat(StartupWarmup.heldAtOnce(100, 2)).as("below a probe's worth: the load is left out")
                .isLessThan(LoopbackPlainClient.PROBE_EVERY);
    }

    private static StartupWarmup.Load load(String name, Exchange exchange) {
        StartupWarmup.Load load = new StartupWarmup.Load(name);
        load.use(exchange);
        return load;
    }

    @Test
    void aWarmupThatCannotStartLeavesTheConfigurationAsItIs() {
        try (TestBackend backend = TestBackend.start("configured")) {
            // a pool of the operator's that has the warm-up's own name: the warm-up gives way
            Map<String, Object> properties = Gateway.upstream(StartupWarmup.NAME, backend);
            properties.put("turnpike.warmup.enabled", true);
            properties.put("turnpike.warmup.duration", "2s");
            try (Gateway gateway = Gateway.start(properties)) {
                assertThat(gateway.context().getBean(StartupWarmup.class).report()).as("stopped before it ran").isNull();
                assertThat(gateway.upstreams().pools()).extracting(Pool::name).containsExactly(StartupWarmup.NAME);
                assertThat(backend.requests()).isZero();
                HttpResponse<String> response = gateway.get("/served");
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(Gateway.backendOf(response)).isEqualTo("configured");
                assertThat(gateway.context().getBean(RouteLocator.class).getRoutes().map(Route::getId).collectList().block())
                        .containsExactly(StartupWarmup.NAME);
            }
        }
    }

    private static List<String> linesOf(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String plainGet(int port) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return exchange(socket);
        }
    }

    private static String httpsGet(int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) TrustEverything.context().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port)) {
            return exchange(socket);
        }
    }

    private static String exchange(Socket socket) throws Exception {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write("GET /after HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
