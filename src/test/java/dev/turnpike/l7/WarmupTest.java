package dev.turnpike.l7;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.TestBackend;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Warm connections: opened through the proxy's pool before readiness, and used by client traffic. */
class WarmupTest {

    @Test
    void warmConnectionsAreOpenBeforeTheFirstRequestAndCarryIt() {
        try (TestBackend a = TestBackend.start("a"); TestBackend b = TestBackend.start("b")) {
            Map<String, Object> properties = Gateway.upstream("pool", a, b);
            properties.put("turnpike.upstreams.pool.warmup.connections", 3);
            properties.put("turnpike.upstreams.pool.health-check.type", "http");
            properties.put("turnpike.upstreams.pool.health-check.path", "/health");
            try (Gateway gateway = Gateway.start(properties)) {
                Gateway.await(Duration.ofSeconds(10),
                        () -> gateway.management("/actuator/health/readiness").statusCode() == 200, "ready");
                for (TestBackend backend : new TestBackend[] {a, b}) {
                    assertThat(backend.requests()).as("no client request yet").isZero();
                    Gateway.await(Duration.ofSeconds(2), () -> backend.openConnections() == 3,
                            "health-check connection closed, warm connections open at " + backend.name());
                    assertThat(backend.warmupRequests()).isEqualTo(3);
                }
                assertThat(gateway.upstreams().pool("pool").servers())
                        .allSatisfy(server -> {
                            assertThat(server.warmConnections()).isEqualTo(3);
                            assertThat(server.openConnections()).isEqualTo(3);
                        });

                // the health check's own connections (one per check) are not the proxy's
                int acceptedA = a.connectionsAccepted();
                int acceptedB = b.connectionsAccepted();
                for (int i = 0; i < 12; i++) {
                    assertThat(gateway.get("/client").statusCode()).isEqualTo(200);
                }
                assertThat(a.requests() + b.requests()).isEqualTo(12);
                assertThat(a.connectionsAccepted()).as("client requests reuse the warm connections").isEqualTo(acceptedA);
                assertThat(b.connectionsAccepted()).isEqualTo(acceptedB);
            }
        }
    }

    @Test
    void warmConnectionsAreReopenedAfterTheBackendClosesThem() {
        try (TestBackend a = TestBackend.start("a")) {
            Map<String, Object> properties = Gateway.upstream("pool", a);
            properties.put("turnpike.upstreams.pool.warmup.connections", 2);
            properties.put("turnpike.upstreams.pool.warmup.refresh-interval", "200ms");
            try (Gateway gateway = Gateway.start(properties)) {
                Gateway.await(Duration.ofSeconds(10), () -> a.openConnections() == 2, "two warm connections");
                a.closeConnections();
                Gateway.await(Duration.ofSeconds(5), () -> a.openConnections() == 0, "connections closed");
                Gateway.await(Duration.ofSeconds(5), () -> a.openConnections() == 2, "warm connections reopened");
                assertThat(a.connectionsAccepted()).isGreaterThanOrEqualTo(4);
            }
        }
    }

    @Test
    void readinessWaitsForWarmupButLivenessDoesNotDependOnBackends() {
        int closed = TestBackend.closedPort();
        Map<String, Object> properties = Map.of(
                "turnpike.upstreams.pool.servers[0].address", "127.0.0.1:" + closed,
                "turnpike.upstreams.pool.health-check.type", "tcp",
                "turnpike.upstreams.pool.warmup.connections", 2);
        try (Gateway gateway = Gateway.start(properties)) {
            assertThat(gateway.management("/actuator/health/liveness").statusCode()).isEqualTo(200);
            Gateway.await(Duration.ofSeconds(10),
                    () -> gateway.management("/actuator/health/readiness").statusCode() == 200,
                    "ready once the first checks ran, even with the backend down");
            assertThat(gateway.management("/actuator/health").statusCode()).isEqualTo(503);
            assertThat(gateway.management("/actuator/health/liveness").statusCode()).isEqualTo(200);
        }
    }
}
