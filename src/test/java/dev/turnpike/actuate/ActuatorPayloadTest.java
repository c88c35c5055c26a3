package dev.turnpike.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.turnpike.support.Gateway;
import dev.turnpike.support.TestBackend;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActuatorPayloadTest {

    private static final ObjectMapper json = new ObjectMapper();

    @Test
    void healthAndUpstreamsShowEveryPoolAndServer() throws Exception {
        try (TestBackend up = TestBackend.start("up"); TestBackend down = TestBackend.start("down")) {
            down.stop();
            Map<String, Object> properties = Gateway.upstream("users", up, down);
            properties.put("turnpike.upstreams.users.balancer", "least-connections");
            properties.put("turnpike.upstreams.users.servers[0].weight", 3);
            properties.put("turnpike.upstreams.users.health-check.type", "tcp");
            properties.put("turnpike.upstreams.users.health-check.interval", "100ms");
            properties.put("turnpike.upstreams.users.warmup.connections", 2);
            try (Gateway gateway = Gateway.start(properties)) {
                Gateway.await(Duration.ofSeconds(10), () -> gateway.upstreams().isReady(), "ready");
                gateway.get("/count-me");

                JsonNode health = json.readTree(gateway.management("/actuator/health").body());
                JsonNode pool = health.at("/components/upstreams/components/users");
                assertThat(pool.at("/status").asText()).isEqualTo("UP");
                assertThat(pool.at("/details/available").asText()).isEqualTo("1/2");
                JsonNode first = pool.at("/details/servers/0");
                assertThat(first.at("/address").asText()).isEqualTo(up.address());
                assertThat(first.at("/state").asText()).isEqualTo("healthy");
                assertThat(first.at("/inFlight").asInt()).isZero();
                assertThat(first.at("/openConnections").asInt()).isEqualTo(2);
                assertThat(first.at("/consecutiveFailures").asInt()).isZero();
                assertThat(first.at("/lastCheck/passed").asBoolean()).isTrue();
                assertThat(first.at("/lastCheck/at").asText()).isNotEmpty();
                JsonNode second = pool.at("/details/servers/1");
                assertThat(second.at("/state").asText()).isEqualTo("unhealthy");
                assertThat(second.at("/lastCheck/detail").asText()).isEqualTo("connection refused");

                JsonNode upstreams = json.readTree(gateway.management("/actuator/upstreams").body());
                JsonNode users = upstreams.at("/upstreams/users");
                assertThat(users.at("/balancer").asText()).isEqualTo("least-connections");
                assertThat(users.at("/healthCheck/type").asText()).isEqualTo("tcp");
                assertThat(users.at("/servers/0/weight").asInt()).isEqualTo(3);
                assertThat(users.at("/servers/0/requests").asLong()).isEqualTo(1);
                assertThat(users.at("/servers/0/warmConnections").asInt()).isEqualTo(2);
                assertThat(users.at("/servers/1/weight").asInt()).isEqualTo(1);
                assertThat(users.at("/servers/1/failures").asLong()).isZero();

                assertThat(gateway.management("/actuator/upstreams/users").body()).contains("\"balancer\":\"least-connections\"");
                assertThat(gateway.management("/actuator/upstreams/nope").statusCode()).isEqualTo(404);
            }
        }
    }

    @Test
    void routeMetricsRecordTheStatusTheClientGot() {
        int closed = dev.turnpike.support.TestBackend.closedPort();
        Map<String, Object> properties = new java.util.LinkedHashMap<>();
        properties.put("turnpike.upstreams.pool.servers[0].address", "127.0.0.1:" + closed);
        properties.put("spring.cloud.gateway.server.webflux.routes[0].id", "refusing");
        properties.put("spring.cloud.gateway.server.webflux.routes[0].uri", "lb://pool");
        properties.put("spring.cloud.gateway.server.webflux.routes[0].predicates[0]", "Path=/**");
        try (Gateway gateway = Gateway.start(properties)) {
            assertThat(gateway.get("/x").statusCode()).isEqualTo(502);
            assertThat(gateway.management("/actuator/prometheus").body())
                    .contains("turnpike_route_requests_seconds_count{application=\"turnpike\",route=\"refusing\",status=\"502\"} 1");
        }
    }

    @Test
    void prometheusHasPoolAndConnectionProviderMeters() {
        try (TestBackend backend = TestBackend.start("a");
             Gateway gateway = Gateway.start(Gateway.upstream("pool", backend))) {
            gateway.get("/m");
            String metrics = gateway.management("/actuator/prometheus").body();
            assertThat(metrics)
                    .contains("turnpike_upstream_server_requests_total{application=\"turnpike\",server=\"" + backend.address() + "\",upstream=\"pool\"} 1.0")
                    .contains("turnpike_upstream_available_servers{application=\"turnpike\",upstream=\"pool\"} 1.0")
                    .contains("reactor_netty_connection_provider_total_connections{")
                    .contains("turnpike_route_requests_seconds_count{application=\"turnpike\",route=\"pool\",status=\"200\"} 1")
                    .contains("turnpike_route_requests_seconds_bucket{application=\"turnpike\",route=\"pool\",status=\"200\",le=\"0.005\"}");
        }
    }
}
