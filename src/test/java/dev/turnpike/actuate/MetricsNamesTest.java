package dev.turnpike.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.L4Gateway;
import dev.turnpike.support.TcpBackend;
import dev.turnpike.support.TestBackend;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The meters an operator scrapes, after traffic that exercises each, with bounded tags. */
class MetricsNamesTest {

    @Test
    void prometheusShowsEveryGatewayMeterWithBoundedTags() throws Exception {
        String keyHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("key-1".getBytes(StandardCharsets.UTF_8)));
        try (TestBackend backend = TestBackend.start("b");
             TcpBackend echo = TcpBackend.start(TcpBackend.echo())) {
            Map<String, Object> p = new LinkedHashMap<>(Gateway.upstream("app", backend));
            p.remove("spring.cloud.gateway.server.webflux.routes[0].id");
            Gateway.route(p, 0, "cached", "app", "/cached/**", "ResponseCache=60s");
            Gateway.route(p, 1, "keyed", "app", "/keyed/**", "Authenticate=partners");
            Gateway.route(p, 2, "limited", "app", "/limited/**", "RateLimit=1,1,client,1m");
            p.put("turnpike.security.api-keys.partners.keys[0].client", "acme");
            p.put("turnpike.security.api-keys.partners.keys[0].sha256", keyHash);
            p.putAll(L4Gateway.upstream("echo", echo.address()));
            p.putAll(L4Gateway.tcpListener(0, "echo", "echo"));
            try (Gateway gateway = Gateway.start(p)) {
                gateway.get("/cached/unique-path-123");
                gateway.get("/cached/unique-path-123");
                gateway.get("/keyed/x");
                gateway.get("/keyed/x", "X-Api-Key", "key-1");
                gateway.get("/limited/x");
                gateway.get("/limited/x");
                try (Socket socket = L4Gateway.connect(gateway, "echo")) {
                    socket.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
                    socket.shutdownOutput();
                    socket.getInputStream().readAllBytes();
                }
                String upstream = "server=\"" + backend.address() + "\",upstream=\"app\"";
                Gateway.await(java.time.Duration.ofSeconds(5), () -> gateway.management("/actuator/prometheus").body()
                        .contains("turnpike_l4_connections_total{"), "the L4 connection is counted");
                org.slf4j.LoggerFactory.getLogger("dev.turnpike.test").warn("a warning for logback_events_total");
                String metrics = gateway.management("/actuator/prometheus").body();

                List<String> expected = List.of(
                        "turnpike_route_requests_seconds_bucket{",
                        "turnpike_route_requests_seconds_count{",
                        "turnpike_upstream_server_requests_total{",
                        "turnpike_upstream_server_failures_total{",
                        "turnpike_upstream_server_latency_seconds_bucket{",
                        "turnpike_upstream_server_in_flight{",
                        "turnpike_upstream_server_open_connections{",
                        "turnpike_upstream_available_servers{",
                        "reactor_netty_connection_provider_",
                        "turnpike_l4_connections_total{",
                        "turnpike_l4_bytes_total{",
                        "turnpike_l4_connections_active{",
                        "turnpike_cache_requests_total{",
                        "turnpike_cache_bytes",
                        "turnpike_security_rejections_total{",
                        "turnpike_config_revision{",
                        "turnpike_config_loaded_seconds",
                        "turnpike_access_dropped_total{",
                        "logback_events_total{");
                assertThat(expected).allSatisfy(name -> assertThat(metrics).contains(name));
                assertThat(metrics).contains("turnpike_upstream_server_latency_seconds_bucket{application=\"turnpike\","
                        + upstream)
                        .contains("reason=\"missing-credentials\"", "reason=\"rate-limited\"",
                                "route=\"cached\"", "result=\"hit\"");
                assertThat(metrics.lines().filter(line -> line.startsWith("logback_events_total{") && line.contains("level=\"warn\""))
                        .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))))
                        .singleElement().satisfies(count -> assertThat(count).isGreaterThanOrEqualTo(1.0));
                // counted by an appender: a turbo filter would be consulted on every level check in the process
                assertThat(((ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory())
                        .getTurboFilterList()).isEmpty();
                // tags name routes, upstreams and servers, never a request path or a client address
                assertThat(metrics).doesNotContain("unique-path-123");
                assertThat(metrics.lines().filter(line -> line.startsWith("turnpike_")))
                        .noneMatch(line -> line.contains("client=\"") || line.contains("path=\""));
            }
        }
    }
}
