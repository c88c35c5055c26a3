package dev.turnpike.l7;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.TestBackend;
import dev.turnpike.upstream.Server;
import dev.turnpike.upstream.ServerState;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Active and passive health, retries on another server, and what happens when every server is down. */
class HealthAndFailoverTest {

    @Test
    void activeCheckTakesAKilledServerOutWithinFallIntervalsAndBackAfterRise() {
        try (TestBackend a = TestBackend.start("a"); TestBackend b = TestBackend.start("b")) {
            Map<String, Object> properties = Gateway.upstream("pool", a, b);
            properties.put("turnpike.upstreams.pool.health-check.type", "http");
            properties.put("turnpike.upstreams.pool.health-check.path", "/health");
            properties.put("turnpike.upstreams.pool.health-check.interval", "200ms");
            properties.put("turnpike.upstreams.pool.health-check.timeout", "150ms");
            properties.put("turnpike.upstreams.pool.health-check.fall", 3);
            properties.put("turnpike.upstreams.pool.health-check.rise", 2);
            try (Gateway gateway = Gateway.start(properties)) {
                Server serverB = gateway.upstreams().pool("pool").servers().get(1);
                Gateway.await(Duration.ofSeconds(5), () -> serverB.lastCheck() != null, "first check");
                assertThat(serverB.state()).isEqualTo(ServerState.HEALTHY);

                b.stop();
                long stopped = System.nanoTime();
                Gateway.await(Duration.ofSeconds(5), () -> serverB.state() == ServerState.UNHEALTHY, "b unhealthy");
                Duration tookDown = Duration.ofNanos(System.nanoTime() - stopped);
                // fall × interval, plus one interval for the phase of the timer, plus scheduling slack
                assertThat(tookDown).isLessThan(Duration.ofMillis(3 * 200 + 200 + 400));
                assertThat(tookDown).isGreaterThanOrEqualTo(Duration.ofMillis(2 * 200));
                for (int i = 0; i < 10; i++) {
                    assertThat(Gateway.backendOf(gateway.get("/x"))).isEqualTo("a");
                }

                b.restart();
                long restarted = System.nanoTime();
                Gateway.await(Duration.ofSeconds(5), () -> serverB.state() == ServerState.HEALTHY, "b healthy again");
                Duration tookUp = Duration.ofNanos(System.nanoTime() - restarted);
                assertThat(tookUp).isLessThan(Duration.ofMillis(2 * 200 + 200 + 400));
                assertThat(tookUp).isGreaterThanOrEqualTo(Duration.ofMillis(200));
                int before = b.requests();
                for (int i = 0; i < 10; i++) {
                    gateway.get("/x");
                }
                assertThat(b.requests() - before).isEqualTo(5);
            }
        }
    }

    @Test
    void refusedConnectionsEjectAServerPassively() {
        try (TestBackend a = TestBackend.start("a"); TestBackend dead = TestBackend.start("dead")) {
            dead.stop();
            Map<String, Object> properties = Gateway.upstream("pool", a, dead);
            properties.put("turnpike.upstreams.pool.passive.max-fails", 2);
            properties.put("turnpike.upstreams.pool.passive.fail-timeout", "30s");
            try (Gateway gateway = Gateway.start(properties)) {
                Server deadServer = gateway.upstreams().pool("pool").servers().get(1);
                int errors = 0;
                for (int i = 0; i < 20; i++) {
                    HttpResponse<String> response = gateway.get("/p");
                    if (response.statusCode() != 200) {
                        assertThat(response.statusCode()).isEqualTo(502);
                        errors++;
                    }
                }
                // round-robin sends every second request to the dead server until two failures eject it
                assertThat(errors).isEqualTo(2);
                assertThat(deadServer.state()).isEqualTo(ServerState.EJECTED);
                assertThat(deadServer.failures()).isEqualTo(2);
                assertThat(a.requests()).isEqualTo(18);
            }
        }
    }

    @Test
    void ejectedServerReturnsAfterFailTimeout() {
        try (TestBackend a = TestBackend.start("a"); TestBackend flaky = TestBackend.start("flaky")) {
            flaky.status(503);
            Map<String, Object> properties = Gateway.upstream("pool", a, flaky);
            properties.put("turnpike.upstreams.pool.passive.max-fails", 1);
            properties.put("turnpike.upstreams.pool.passive.fail-timeout", "300ms");
            try (Gateway gateway = Gateway.start(properties)) {
                Server flakyServer = gateway.upstreams().pool("pool").servers().get(1);
                for (int i = 0; i < 2; i++) {
                    gateway.get("/p");
                }
                assertThat(flakyServer.state()).isEqualTo(ServerState.EJECTED);
                flaky.status(200);
                Gateway.await(Duration.ofSeconds(2), () -> flakyServer.state() == ServerState.HEALTHY, "flaky back");
                for (int i = 0; i < 4; i++) {
                    gateway.get("/p");
                }
                assertThat(flaky.requests()).isEqualTo(3);
            }
        }
    }

    @Test
    void retryGoesToAnotherServerNotTheOneThatFailed() {
        try (TestBackend failing = TestBackend.start("failing"); TestBackend good = TestBackend.start("good")) {
            failing.status(503);
            Map<String, Object> properties = Gateway.upstream("pool", failing, good);
            // a hash balancer would pick the failing server again and again; the retry must not
            properties.put("turnpike.upstreams.pool.balancer", "consistent-hash");
            properties.put("turnpike.upstreams.pool.hash-header", "X-User");
            properties.put("turnpike.upstreams.pool.passive.max-fails", 0);
            properties.put("spring.cloud.gateway.server.webflux.routes[0].filters[0].name", "Retry");
            properties.put("spring.cloud.gateway.server.webflux.routes[0].filters[0].args.retries", 3);
            properties.put("spring.cloud.gateway.server.webflux.routes[0].filters[0].args.statuses", "SERVICE_UNAVAILABLE");
            try (Gateway gateway = Gateway.start(properties)) {
                int users = 40;
                for (int u = 0; u < users; u++) {
                    HttpResponse<String> response = gateway.get("/r", "X-User", "user" + u);
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(Gateway.backendOf(response)).isEqualTo("good");
                }
                // each user that hashed to the failing server cost it exactly one attempt
                assertThat(failing.requests()).isBetween(5, users - 5);
                assertThat(good.requests()).isEqualTo(users);
            }
        }
    }

    @Test
    void refusedEverywhereAfterRetriesIs502() {
        int[] closed = {TestBackend.closedPort(), TestBackend.closedPort()};
        Map<String, Object> properties = Map.of(
                "turnpike.upstreams.pool.servers[0].address", "127.0.0.1:" + closed[0],
                "turnpike.upstreams.pool.servers[1].address", "127.0.0.1:" + closed[1],
                "spring.cloud.gateway.server.webflux.routes[0].id", "pool",
                "spring.cloud.gateway.server.webflux.routes[0].uri", "lb://pool",
                "spring.cloud.gateway.server.webflux.routes[0].predicates[0]", "Path=/**",
                "spring.cloud.gateway.server.webflux.routes[0].filters[0]", "Retry=2");
        try (Gateway gateway = Gateway.start(properties)) {
            HttpResponse<String> response = gateway.get("/refused");
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body()).contains("\"status\":502").doesNotContain("Exception").doesNotContain("at ");
            assertThat(gateway.upstreams().pool("pool").servers()).allSatisfy(s -> assertThat(s.failures()).isPositive());
        }
    }

    @Test
    void allDownTryAllStillServesWhenOnlyTheHealthCheckIsFailing() {
        try (TestBackend a = TestBackend.start("a")) {
            a.healthStatus(500);
            try (Gateway gateway = Gateway.start(allDownConfig(a, "try-all"))) {
                Gateway.await(Duration.ofSeconds(5), () -> !gateway.upstreams().pool("pool").isUp(), "pool down");
                HttpResponse<String> response = gateway.get("/any");
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(Gateway.backendOf(response)).isEqualTo("a");
                String health = gateway.management("/actuator/health/upstreams").body();
                assertThat(health).contains("\"status\":\"DOWN\"").contains("\"panic\":true").contains("\"whenAllDown\":\"try-all\"");
            }
        }
    }

    @Test
    void allDownFailAnswers503WithoutTouchingABackend() {
        try (TestBackend a = TestBackend.start("a")) {
            a.healthStatus(500);
            try (Gateway gateway = Gateway.start(allDownConfig(a, "fail"))) {
                Gateway.await(Duration.ofSeconds(5), () -> !gateway.upstreams().pool("pool").isUp(), "pool down");
                HttpResponse<String> response = gateway.get("/any");
                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(response.body()).contains("no server available").doesNotContain("Exception");
                assertThat(a.requests()).isZero();
                assertThat(gateway.management("/actuator/health/upstreams").body()).contains("\"panic\":false");
            }
        }
    }

    private static Map<String, Object> allDownConfig(TestBackend backend, String policy) {
        Map<String, Object> properties = Gateway.upstream("pool", backend);
        properties.put("turnpike.upstreams.pool.when-all-down", policy);
        properties.put("turnpike.upstreams.pool.health-check.type", "http");
        properties.put("turnpike.upstreams.pool.health-check.path", "/health");
        properties.put("turnpike.upstreams.pool.health-check.interval", "100ms");
        return properties;
    }

    @Test
    void backendSlowerThanTheGatewayWideResponseTimeoutIs504AndTheNextRequestWithinItIsServed() {
        try (TestBackend slow = TestBackend.start("slow").delay(Duration.ofSeconds(3));
             TestBackend prompt = TestBackend.start("prompt").delay(Duration.ofMillis(100))) {
            Map<String, Object> properties = new java.util.LinkedHashMap<>();
            properties.put("turnpike.upstreams.prompt.servers[0].address", prompt.address());
            properties.put("turnpike.upstreams.pool.servers[0].address", slow.address());
            Gateway.route(properties, 0, "prompt", "prompt", "/prompt/**");
            Gateway.route(properties, 1, "pool", "pool", "/**");
            properties.put("spring.cloud.gateway.server.webflux.httpclient.response-timeout", "400ms");
            try (Gateway gateway = Gateway.start(properties)) {
                long began = System.nanoTime();
                HttpResponse<String> timedOut = gateway.get("/slow");
                long tookMillis = (System.nanoTime() - began) / 1_000_000;
                assertThat(timedOut.statusCode()).isEqualTo(504);
                assertThat(timedOut.body()).contains("upstream timed out");
                assertThat(tookMillis).isBetween(350L, 2_500L);
                assertThat(gateway.upstreams().pool("pool").servers().get(0).failures()).isEqualTo(1);

                HttpResponse<String> inTime = gateway.get("/prompt/x");
                assertThat(inTime.statusCode()).isEqualTo(200);
                assertThat(gateway.upstreams().pool("prompt").servers().get(0).failures()).isZero();
            }
        }
    }

    @Test
    void slowBackendIs504() {
        try (TestBackend slow = TestBackend.start("slow").delay(Duration.ofSeconds(3))) {
            Map<String, Object> properties = Gateway.upstream("pool", slow);
            properties.put("spring.cloud.gateway.server.webflux.routes[0].metadata.response-timeout", 300);
            try (Gateway gateway = Gateway.start(properties)) {
                HttpResponse<String> response = gateway.get("/slow");
                assertThat(response.statusCode()).isEqualTo(504);
                assertThat(response.body()).contains("upstream timed out");
                assertThat(gateway.upstreams().pool("pool").servers().get(0).failures()).isEqualTo(1);
            }
        }
    }
}
