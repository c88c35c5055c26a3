package dev.turnpike.l7;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.TestBackend;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Each balancer, measured through the real gateway against real backends. */
class BalancingThroughGatewayTest {

    @Test
    void roundRobinAlternates() {
        try (TestBackend a = TestBackend.start("a"); TestBackend b = TestBackend.start("b");
             Gateway gateway = Gateway.start(Gateway.upstream("pool", a, b))) {
            List<String> seen = IntStream.range(0, 6).mapToObj(i -> Gateway.backendOf(gateway.get("/x"))).toList();
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i)).isNotEqualTo(seen.get(i - 1));
            }
        }
    }

    @Test
    void weightedSplitsTwoToOne() {
        try (TestBackend heavy = TestBackend.start("heavy"); TestBackend light = TestBackend.start("light")) {
            Map<String, Object> properties = Gateway.upstream("pool", heavy, light);
            properties.put("turnpike.upstreams.pool.balancer", "weighted");
            properties.put("turnpike.upstreams.pool.servers[0].weight", 2);
            try (Gateway gateway = Gateway.start(properties)) {
                int total = 3000;
                parallel(total, 8, i -> gateway.get("/w"));
                double heavyShare = heavy.requests() / (double) total;
                assertThat(heavy.requests() + light.requests()).isEqualTo(total);
                assertThat(heavyShare).isBetween(2 / 3.0 - 0.05, 2 / 3.0 + 0.05);
            }
        }
    }

    @Test
    void leastConnectionsFavoursTheFastServer() {
        assertFastServerFavoured("least-connections");
    }

    @Test
    void randomTwoFavoursTheFastServer() {
        assertFastServerFavoured("random-two");
    }

    private static void assertFastServerFavoured(String balancer) {
        try (TestBackend fast = TestBackend.start("fast");
             TestBackend slow = TestBackend.start("slow").delay(Duration.ofMillis(100))) {
            Map<String, Object> properties = Gateway.upstream("pool", fast, slow);
            properties.put("turnpike.upstreams.pool.balancer", balancer);
            try (Gateway gateway = Gateway.start(properties)) {
                parallel(400, 8, i -> gateway.get("/lc"));
                assertThat(fast.requests() + slow.requests()).isEqualTo(400);
                // round-robin would split 200/200; load-aware picks starve the slow server
                assertThat(fast.requests()).isGreaterThan(3 * slow.requests());
            }
        }
    }

    @Test
    void consistentHashKeepsKeysAndRemapsOnlyTheLostServersShare() {
        TestBackend[] backends = {TestBackend.start("c0"), TestBackend.start("c1"), TestBackend.start("c2")};
        Map<String, Object> properties = Gateway.upstream("pool", backends);
        properties.put("turnpike.upstreams.pool.balancer", "consistent-hash");
        properties.put("turnpike.upstreams.pool.hash-header", "X-User");
        properties.put("turnpike.upstreams.pool.health-check.type", "tcp");
        properties.put("turnpike.upstreams.pool.health-check.interval", "100ms");
        properties.put("turnpike.upstreams.pool.health-check.fall", 1);
        try (Gateway gateway = Gateway.start(properties)) {
            int users = 300;
            Map<String, String> before = new HashMap<>();
            for (int u = 0; u < users; u++) {
                before.put("user" + u, Gateway.backendOf(gateway.get("/h", "X-User", "user" + u)));
            }
            for (int u = 0; u < users; u += 7) {
                assertThat(Gateway.backendOf(gateway.get("/h", "X-User", "user" + u))).isEqualTo(before.get("user" + u));
            }
            Map<String, Long> shares = new HashMap<>();
            before.values().forEach(name -> shares.merge(name, 1L, Long::sum));
            assertThat(shares.values()).allSatisfy(count -> assertThat(count).isBetween(50L, 150L));

            backends[1].stop();
            Gateway.await(Duration.ofSeconds(5), () -> !gateway.upstreams().pool("pool").servers().get(1).isAvailable(),
                    "c1 marked unhealthy");
            int moved = 0;
            for (int u = 0; u < users; u++) {
                String now = Gateway.backendOf(gateway.get("/h", "X-User", "user" + u));
                String was = before.get("user" + u);
                if (!now.equals(was)) {
                    moved++;
                    assertThat(was).as("only keys of the lost server move").isEqualTo("c1");
                }
            }
            assertThat(moved).isEqualTo(shares.get("c1").intValue());
            assertThat(moved / (double) users).isBetween(1 / 3.0 - 0.15, 1 / 3.0 + 0.15);
        } finally {
            for (TestBackend backend : backends) {
                backend.close();
            }
        }
    }

    @Test
    void ipHashKeepsAClientOnOneServerUsingTheForwardedAddressOfATrustedProxy() {
        try (TestBackend a = TestBackend.start("a"); TestBackend b = TestBackend.start("b")) {
            Map<String, Object> properties = Gateway.upstream("pool", a, b);
            properties.put("turnpike.upstreams.pool.balancer", "ip-hash");
            properties.put("turnpike.trusted-proxies[0]", "127.0.0.0/8");
            try (Gateway gateway = Gateway.start(properties)) {
                Map<String, Integer> perServer = new ConcurrentHashMap<>();
                for (int client = 1; client <= 40; client++) {
                    String address = "198.51.100." + client;
                    String first = Gateway.backendOf(gateway.get("/ip", "X-Forwarded-For", address));
                    for (int repeat = 0; repeat < 5; repeat++) {
                        assertThat(Gateway.backendOf(gateway.get("/ip", "X-Forwarded-For", address))).isEqualTo(first);
                    }
                    perServer.merge(first, 1, Integer::sum);
                }
                assertThat(perServer).containsKeys("a", "b");
            }
        }
    }

    static void parallel(int total, int threads, java.util.function.IntFunction<HttpResponse<String>> call) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger failures = new AtomicInteger();
        try {
            List<Future<?>> futures = IntStream.range(0, total).<Future<?>>mapToObj(i -> pool.submit(() -> {
                if (call.apply(i).statusCode() != 200) {
                    failures.incrementAndGet();
                }
            })).toList();
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
        assertThat(failures.get()).isZero();
    }
}
