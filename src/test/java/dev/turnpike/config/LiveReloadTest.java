package dev.turnpike.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.l4.L4Listeners;
import dev.turnpike.support.Gateway;
import dev.turnpike.support.TcpBackend;
import dev.turnpike.support.TestBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway follows edits to its configuration file: valid ones apply live, invalid ones are refused. */
class LiveReloadTest {

    private static final Duration RELOAD = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    private Gateway start(String yaml) throws IOException {
        write(directory.resolve("application.yml"), yaml);
        return Gateway.start(Map.of(
                "spring.config.additional-location", "file:" + directory + "/",
                "turnpike.reload.interval", "100ms",
                "turnpike.reload.quiet-period", "200ms",
                "turnpike.l4.drain-timeout", "5s"));
    }

    /** Writes the file whole, by a rename, as editors and kubelet do. */
    private static void write(Path file, String content) throws IOException {
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(temporary, content);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String upstream(String name, String... addresses) {
        StringBuilder yaml = new StringBuilder("    " + name + ":\n      servers:\n");
        for (String address : addresses) {
            yaml.append("        - address: ").append(address).append('\n');
        }
        return yaml.toString();
    }

    private static String route(String id, String upstream, String path, String... filters) {
        StringBuilder yaml = new StringBuilder()
                .append("            - id: ").append(id).append('\n')
                .append("              uri: lb://").append(upstream).append('\n')
                .append("              predicates: [\"Path=").append(path).append("\"]\n");
        if (filters.length > 0) {
            yaml.append("              filters:\n");
            for (String filter : filters) {
                yaml.append("                - \"").append(filter).append("\"\n");
            }
        }
        return yaml.toString();
    }

    private static String config(String upstreams, String routes, String rest) {
        return "turnpike:\n  upstreams:\n" + upstreams + rest
                + "spring:\n  cloud:\n    gateway:\n      server:\n        webflux:\n          routes:\n" + routes;
    }

    private static String revision(Gateway gateway) {
        return field(gateway.management("/actuator/turnpike").body(), "revision");
    }

    /** The first string value of a JSON field, enough for these flat checks. */
    private static String field(String json, String name) {
        int at = json.indexOf("\"" + name + "\":\"");
        if (at < 0) {
            return null;
        }
        int start = at + name.length() + 4;
        return json.substring(start, json.indexOf('"', start));
    }

    private static void awaitRevisionChange(Gateway gateway, String before) {
        Gateway.await(RELOAD, () -> !before.equals(revision(gateway)), "a new configuration revision");
    }

    private static void awaitReloadResult(Gateway gateway, String result, int count) {
        Gateway.await(RELOAD, () -> reloads(gateway, result) >= count, count + " reloads with result " + result);
    }

    private static double reloads(Gateway gateway, String result) {
        return Gateway.sampleSum(gateway.management("/actuator/prometheus").body(), "turnpike_config_reloads_total",
                "result=\"" + result + "\"");
    }

    @Test
    void anAddedRouteServesAfterTheFileChanges() throws Exception {
        try (TestBackend a = TestBackend.start("a");
             TestBackend b = TestBackend.start("b");
             Gateway gateway = start(config(upstream("one", a.address()), route("one", "one", "/one/**"), ""))) {
            assertThat(Gateway.backendOf(gateway.get("/one/x"))).isEqualTo("a");
            assertThat(gateway.get("/two/x").statusCode()).isEqualTo(404);
            String before = revision(gateway);

            write(directory.resolve("application.yml"), config(
                    upstream("one", a.address()) + upstream("two", b.address()),
                    route("one", "one", "/one/**") + route("two", "two", "/two/**"), ""));

            Gateway.await(RELOAD, () -> gateway.get("/two/x").statusCode() == 200, "the new route serves");
            assertThat(Gateway.backendOf(gateway.get("/two/x"))).isEqualTo("b");
            assertThat(Gateway.backendOf(gateway.get("/one/x"))).isEqualTo("a");
            assertThat(revision(gateway)).isNotEqualTo(before);
            String live = gateway.management("/actuator/turnpike").body();
            assertThat(live).contains("\"result\":\"applied\"", "\"trigger\":\"file change\"", "\"id\":\"two\"",
                    "\"two\":{", b.address());
            String metrics = gateway.management("/actuator/prometheus").body();
            assertThat(metrics).contains("turnpike_config_reloads_total{", "result=\"applied\"",
                    "turnpike_config_revision{", "revision=\"" + revision(gateway) + "\"");
        }
    }

    @Test
    void defaultFiltersApplyToEveryRouteAfterAReload() throws Exception {
        try (TestBackend a = TestBackend.start("a");
             Gateway gateway = start(config(upstream("one", a.address()), route("one", "one", "/one/**"), ""))) {
            assertThat(gateway.get("/one/x").headers().firstValue("X-Everywhere")).isEmpty();
            String before = revision(gateway);
            String withDefaults = config(upstream("one", a.address()), route("one", "one", "/one/**"), "")
                    .replace("          routes:\n", "          default-filters: [ \"AddResponseHeader=X-Everywhere, yes\" ]\n          routes:\n");
            write(directory.resolve("application.yml"), withDefaults);
            awaitRevisionChange(gateway, before);
            assertThat(gateway.get("/one/x").headers().firstValue("X-Everywhere")).hasValue("yes");
            assertThat(gateway.management("/actuator/turnpike").body()).contains("\"pendingRestart\":[]");
        }
    }

    @Test
    void invalidYamlAndAnUnknownUpstreamAreRefusedWhileTheOldConfigurationServes() throws Exception {
        try (TestBackend a = TestBackend.start("a");
             Gateway gateway = start(config(upstream("one", a.address()), route("one", "one", "/one/**"), ""))) {
            String before = revision(gateway);

            write(directory.resolve("application.yml"), "turnpike:\n  upstreams:\n    one: [unclosed\n");
            awaitReloadResult(gateway, "rejected", 1);
            String live = gateway.management("/actuator/turnpike").body();
            assertThat(live).contains("\"result\":\"rejected\"", "\"error\":{");
            assertThat(field(live, "location")).endsWith("application.yml - 4:1");
            assertThat(field(live, "problem")).isEqualTo(
                    "YAML syntax: expected ',' or ']', but got <stream end> (while parsing a flow sequence that starts at 3:10)");
            assertThat(revision(gateway)).isEqualTo(before);
            assertThat(Gateway.backendOf(gateway.get("/one/x"))).isEqualTo("a");

            write(directory.resolve("application.yml"),
                    config(upstream("one", a.address()), route("one", "one", "/one/**") + route("bad", "missing", "/bad/**"), ""));
            awaitReloadResult(gateway, "rejected", 2);
            live = gateway.management("/actuator/turnpike").body();
            assertThat(field(live, "key")).isEqualTo("spring.cloud.gateway.server.webflux.routes[1].uri");
            assertThat(field(live, "problem")).contains("names no upstream 'missing'");
            assertThat(field(live, "location")).contains("application.yml");
            assertThat(revision(gateway)).isEqualTo(before);
            assertThat(Gateway.backendOf(gateway.get("/one/x"))).isEqualTo("a");
            assertThat(gateway.get("/bad/x").statusCode()).isEqualTo(404);

            write(directory.resolve("application.yml"), config(upstream("one", a.address()),
                    route("one", "one", "/one/**", "NoSuchFilter=1"), ""));
            awaitReloadResult(gateway, "rejected", 3);
            live = gateway.management("/actuator/turnpike").body();
            assertThat(field(live, "key")).isEqualTo("spring.cloud.gateway.server.webflux.routes[0]");
            assertThat(field(live, "problem")).contains("NoSuchFilter");

            write(directory.resolve("application.yml"), config(upstream("one", a.address()) + "      balancer: fastest\n",
                    route("one", "one", "/one/**"), ""));
            awaitReloadResult(gateway, "rejected", 4);
            live = gateway.management("/actuator/turnpike").body();
            assertThat(field(live, "key")).isEqualTo("turnpike.upstreams.one.balancer");
            assertThat(field(live, "problem")).isEqualTo("'fastest' is not one of round-robin, weighted, "
                    + "least-connections, random-two, ip-hash, consistent-hash");
            assertThat(revision(gateway)).isEqualTo(before);
            assertThat(Gateway.backendOf(gateway.get("/one/x"))).isEqualTo("a");
        }
    }

    @Test
    void aRequestInFlightOnARemovedServerCompletes() throws Exception {
        try (TestBackend slow = TestBackend.start("slow").delay(Duration.ofSeconds(6));
             TestBackend fast = TestBackend.start("fast");
             Gateway gateway = start(config(upstream("pool", slow.address()), route("r", "pool", "/**"), ""))) {
            String before = revision(gateway);
            CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> gateway.get("/long"));
            Gateway.await(Duration.ofSeconds(5), () -> slow.requests() == 1, "the slow request reached the backend");

            write(directory.resolve("application.yml"), config(upstream("pool", fast.address()), route("r", "pool", "/**"), ""));
            awaitRevisionChange(gateway, before);
            assertThat(Gateway.backendOf(gateway.get("/new"))).isEqualTo("fast");
            assertThat(inFlight).isNotDone();

            HttpResponse<String> finished = inFlight.get(15, TimeUnit.SECONDS);
            assertThat(finished.statusCode()).isEqualTo(200);
            assertThat(Gateway.backendOf(finished)).isEqualTo("slow");
            assertThat(gateway.upstreams().pool("pool").servers()).extracting(s -> s.address().toString())
                    .containsExactly(fast.address());
        }
    }

    @Test
    void aNewServerIsCheckedAndWarmBeforeItTakesTraffic() throws Exception {
        try (TestBackend a = TestBackend.start("a");
             TestBackend b = TestBackend.start("b");
             Gateway gateway = start(config(upstream("pool", a.address()), route("r", "pool", "/**"), ""))) {
            String before = revision(gateway);
            String checked = "      health-check: { type: http, path: /health, interval: 1s }\n      warmup: { connections: 2 }\n";
            write(directory.resolve("application.yml"),
                    config(upstream("pool", a.address(), b.address()) + checked, route("r", "pool", "/**"), ""));
            awaitRevisionChange(gateway, before);
            // by the time the revision is live, b has been checked and holds its warm connections
            assertThat(b.openConnections()).isGreaterThanOrEqualTo(2);
            assertThat(b.warmupRequests()).isGreaterThanOrEqualTo(2);
            assertThat(b.requests()).isZero();
            dev.turnpike.upstream.Server added = gateway.upstreams().pool("pool").servers().stream()
                    .filter(server -> server.address().toString().equals(b.address())).findFirst().orElseThrow();
            assertThat(added.lastCheck()).isNotNull();
            assertThat(added.lastCheck().passed()).isTrue();
            Gateway.await(RELOAD, () -> "b".equals(Gateway.backendOf(gateway.get("/x"))), "b takes traffic");
        }
    }

    @Test
    void l4ListenersAreAddedAndRemovedAndARemovedOneDrains() throws Exception {
        try (TestBackend a = TestBackend.start("a");
             TcpBackend echo = TcpBackend.start(TcpBackend.echo());
             Gateway gateway = start(config(upstream("one", a.address()) + upstream("echo", echo.address()),
                     route("one", "one", "/one/**"), ""))) {
            L4Listeners listeners = gateway.context().getBean(L4Listeners.class);
            assertThat(listeners.listeners()).isEmpty();
            String before = revision(gateway);
            String l4 = "  l4:\n    listeners:\n      - { name: echo, port: 0, bind: 127.0.0.1, upstream: echo }\n";
            write(directory.resolve("application.yml"), config(upstream("one", a.address()) + upstream("echo", echo.address()),
                    route("one", "one", "/one/**"), l4));
            awaitRevisionChange(gateway, before);
            int port = listeners.port("echo");

            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.setSoTimeout(10_000);
                assertThat(echo(socket, "before")).isEqualTo("before");

                String withListener = revision(gateway);
                write(directory.resolve("application.yml"), config(upstream("one", a.address()) + upstream("echo", echo.address()),
                        route("one", "one", "/one/**"), ""));
                awaitRevisionChange(gateway, withListener);
                assertThat(listeners.listeners()).isEmpty();

                assertThat(echo(socket, "still open")).isEqualTo("still open");
                Gateway.await(RELOAD, () -> refused(port), "the removed listener stops accepting");
                // the drain timeout (5s) ends the established connection
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            }
        }
    }

    private static String echo(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        byte[] answer = new byte[text.length()];
        InputStream in = socket.getInputStream();
        int read = 0;
        while (read < answer.length) {
            int n = in.read(answer, read, answer.length - read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        return new String(answer, 0, read, StandardCharsets.UTF_8);
    }

    private static boolean refused(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void aListenerMovedToAnotherPortOpensThereAndDrainsTheOldPort() throws Exception {
        int firstPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            firstPort = probe.getLocalPort();
        }
        try (TestBackend a = TestBackend.start("a");
             TcpBackend echo = TcpBackend.start(TcpBackend.echo());
             Gateway gateway = start(config(upstream("one", a.address()) + upstream("echo", echo.address()),
                     route("one", "one", "/one/**"),
                     "  l4:\n    listeners:\n      - { name: moving, port: " + firstPort + ", bind: 127.0.0.1, upstream: echo }\n"))) {
            L4Listeners listeners = gateway.context().getBean(L4Listeners.class);
            assertThat(listeners.port("moving")).isEqualTo(firstPort);
            try (Socket old = new Socket(InetAddress.getLoopbackAddress(), firstPort)) {
                old.setSoTimeout(10_000);
                assertThat(echo(old, "first")).isEqualTo("first");
                String before = revision(gateway);
                write(directory.resolve("application.yml"), config(upstream("one", a.address()) + upstream("echo", echo.address()),
                        route("one", "one", "/one/**"),
                        "  l4:\n    listeners:\n      - { name: moving, port: 0, bind: 127.0.0.1, upstream: echo }\n"));
                awaitRevisionChange(gateway, before);
                int movedTo = listeners.port("moving");
                assertThat(movedTo).isNotEqualTo(firstPort);
                try (Socket moved = new Socket(InetAddress.getLoopbackAddress(), movedTo)) {
                    moved.setSoTimeout(10_000);
                    assertThat(echo(moved, "second")).isEqualTo("second");
                }
                assertThat(refused(firstPort)).isTrue();
                assertThat(echo(old, "still")).isEqualTo("still");
            }
        }
    }

    @Test
    void aPortInUseRefusesTheReload() throws Exception {
        try (TestBackend a = TestBackend.start("a");
             java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Gateway gateway = start(config(upstream("one", a.address()), route("one", "one", "/one/**"), ""))) {
            String before = revision(gateway);
            String l4 = "  l4:\n    listeners:\n      - { name: clash, port: " + taken.getLocalPort()
                    + ", bind: 127.0.0.1, upstream: one }\n";
            write(directory.resolve("application.yml"), config(upstream("one", a.address()),
                    route("one", "one", "/one/**") + route("two", "one", "/two/**"), l4));
            awaitReloadResult(gateway, "rejected", 1);
            String live = gateway.management("/actuator/turnpike").body();
            assertThat(field(live, "key")).isEqualTo("turnpike.l4.listeners[0].port");
            assertThat(revision(gateway)).isEqualTo(before);
            assertThat(gateway.get("/two/x").statusCode()).isEqualTo(404);
            assertThat(gateway.context().getBean(L4Listeners.class).listeners()).isEmpty();
        }
    }

    @Test
    void followsAConfigMapSymlinkSwap() throws Exception {
        // kubelet's layout: application.yml -> ..data/application.yml, ..data -> ..<timestamp>
        try (TestBackend a = TestBackend.start("a");
             TestBackend b = TestBackend.start("b")) {
            Path first = Files.createDirectory(directory.resolve("..2026_11_27_01_00_00.1"));
            Files.writeString(first.resolve("application.yml"),
                    config(upstream("pool", a.address()), route("r", "pool", "/**"), ""));
            Files.createSymbolicLink(directory.resolve("..data"), first.getFileName());
            Files.createSymbolicLink(directory.resolve("application.yml"), Path.of("..data/application.yml"));
            try (Gateway gateway = Gateway.start(Map.of(
                    "spring.config.additional-location", "file:" + directory + "/",
                    "turnpike.reload.interval", "100ms",
                    "turnpike.reload.quiet-period", "200ms"))) {
                assertThat(Gateway.backendOf(gateway.get("/x"))).isEqualTo("a");

                Path second = Files.createDirectory(directory.resolve("..2026_11_27_01_05_00.2"));
                Files.writeString(second.resolve("application.yml"),
                        config(upstream("pool", b.address()), route("r", "pool", "/**"), ""));
                Path swap = directory.resolve("..data_tmp");
                Files.createSymbolicLink(swap, second.getFileName());
                Files.move(swap, directory.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                deleteTree(first);

                Gateway.await(RELOAD, () -> "b".equals(Gateway.backendOf(gateway.get("/x"))), "the swapped file applies");
            }
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        try (var files = Files.walk(directory)) {
            for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void theLiveViewHidesSecretsAndReportsKeysThatNeedARestart() throws Exception {
        try (TestBackend a = TestBackend.start("a");
             Gateway gateway = start(config(upstream("one", a.address()),
                     route("one", "one", "/one/**", "AddRequestHeader=Authorization, Bearer s3cr3t-t0ken",
                             "AddRequestHeader=X-Api-Key, k3y-value", "AddRequestHeader=X-Plain, visible"), ""))) {
            String live = gateway.management("/actuator/turnpike").body();
            assertThat(live).doesNotContain("s3cr3t-t0ken", "k3y-value").contains("visible", "******");
            String before = revision(gateway);

            write(directory.resolve("application.yml"), config(upstream("one", a.address()),
                    route("one", "one", "/one/**"), "  cache:\n    max-size: 1MB\n  http:\n    max-body-size: 1MB\n"
                            + "  l4:\n    transport: epoll\n"));
            awaitRevisionChange(gateway, before);
            live = gateway.management("/actuator/turnpike").body();
            assertThat(live).contains("\"pendingRestart\":[\"turnpike.http.max-body-size\",\"turnpike.l4.transport\"]");
        }
    }

    @Test
    void securitySettingsAndTheirRoutesApplyTogether() throws Exception {
        String keyHash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest("partner-key-1".getBytes(StandardCharsets.UTF_8)));
        try (TestBackend a = TestBackend.start("a");
             Gateway gateway = start(config(upstream("one", a.address()), route("one", "one", "/one/**"), ""))) {
            assertThat(gateway.get("/one/x").statusCode()).isEqualTo(200);
            String before = revision(gateway);
            String security = "  security:\n"
                    + "    api-keys:\n      partners:\n        keys: [ { client: acme, sha256: " + keyHash + " } ]\n"
                    + "    headers:\n      block: [ { name: X-Debug-.*, status: 403 } ]\n";
            write(directory.resolve("application.yml"), config(upstream("one", a.address()),
                    route("one", "one", "/one/**", "Authenticate=partners"), security));
            awaitRevisionChange(gateway, before);

            assertThat(gateway.get("/one/x").statusCode()).isEqualTo(401);
            assertThat(gateway.get("/one/x", "X-Api-Key", "partner-key-1").statusCode()).isEqualTo(200);
            assertThat(gateway.get("/one/x", "X-Api-Key", "partner-key-1", "X-Debug-Trace", "1").statusCode()).isEqualTo(403);
            assertThat(gateway.management("/actuator/turnpike").body()).contains("\"pendingRestart\":[]")
                    .doesNotContain(keyHash);

            String withKeys = revision(gateway);
            write(directory.resolve("application.yml"), config(upstream("one", a.address()),
                    route("one", "one", "/one/**", "Authenticate=others"), security));
            awaitReloadResult(gateway, "rejected", 1);
            assertThat(field(gateway.management("/actuator/turnpike").body(), "problem"))
                    .contains("Authenticate names no authenticator 'others'");
            assertThat(revision(gateway)).isEqualTo(withKeys);
            assertThat(gateway.get("/one/x", "X-Api-Key", "partner-key-1").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aListenerMovedToAnotherPoolSendsNewConnectionsThereAndKeepsOldOnes() throws Exception {
        try (TestBackend a = TestBackend.start("a");
             TcpBackend first = TcpBackend.start(TcpBackend.echo());
             TcpBackend second = TcpBackend.start(TcpBackend.echo());
             Gateway gateway = start(config(upstream("one", a.address()) + upstream("first", first.address())
                             + upstream("second", second.address()), route("one", "one", "/one/**"),
                     "  l4:\n    listeners:\n      - { name: moving, port: 0, bind: 127.0.0.1, upstream: first }\n"))) {
            L4Listeners listeners = gateway.context().getBean(L4Listeners.class);
            int port = listeners.port("moving");
            try (Socket old = new Socket(InetAddress.getLoopbackAddress(), port)) {
                old.setSoTimeout(10_000);
                assertThat(echo(old, "one")).isEqualTo("one");
                String before = revision(gateway);
                write(directory.resolve("application.yml"), config(upstream("one", a.address())
                                + upstream("first", first.address()) + upstream("second", second.address()),
                        route("one", "one", "/one/**"),
                        "  l4:\n    listeners:\n      - { name: moving, port: 0, bind: 127.0.0.1, upstream: second }\n"));
                awaitRevisionChange(gateway, before);
                assertThat(listeners.port("moving")).isEqualTo(port);
                try (Socket moved = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    moved.setSoTimeout(10_000);
                    assertThat(echo(moved, "two")).isEqualTo("two");
                }
                assertThat(echo(old, "still")).isEqualTo("still");
                assertThat(first.accepted()).isEqualTo(1);
                assertThat(second.accepted()).isEqualTo(1);
            }
        }
    }

    @Test
    void anAdminReloadsWithAPostAndOthersCannot() throws Exception {
        try (TestBackend a = TestBackend.start("a");
             Gateway gateway = Gateway.start(Map.of(
                     "spring.config.additional-location", "file:" + directory + "/",
                     "turnpike.reload.watch", "false"))) {
            // created after start: only a reload can pick it up, and watching is off
            Files.writeString(directory.resolve("application.yml"),
                    config(upstream("one", a.address()), route("one", "one", "/one/**"), ""));
            HttpResponse<String> anonymous = postReload(gateway);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(gateway.get("/one/x").statusCode()).isEqualTo(404);

            HttpResponse<String> admin = postReload(gateway, "Authorization", Gateway.basic(Gateway.MANAGER, Gateway.MANAGER_PASSWORD));
            assertThat(admin.statusCode()).isEqualTo(200);
            assertThat(admin.body()).contains("\"result\":\"applied\"", "\"trigger\":\"actuator\"");
            assertThat(Gateway.backendOf(gateway.get("/one/x"))).isEqualTo("a");

            Files.writeString(directory.resolve("application.yml"), "turnpike: [\n");
            HttpResponse<String> refused = postReload(gateway, "Authorization", Gateway.basic(Gateway.MANAGER, Gateway.MANAGER_PASSWORD));
            assertThat(refused.statusCode()).isEqualTo(422);
            assertThat(refused.body()).contains("\"result\":\"rejected\"", "\"problem\":");
            assertThat(Gateway.backendOf(gateway.get("/one/x"))).isEqualTo("a");
        }
    }

    private static HttpResponse<String> postReload(Gateway gateway, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.managementPort() + "/actuator/turnpike"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
