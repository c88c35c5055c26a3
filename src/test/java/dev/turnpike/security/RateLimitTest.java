package dev.turnpike.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.RedisServer;
import dev.turnpike.support.TestBackend;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Token buckets per route and key, in memory and in a real Redis shared by two gateways. */
class RateLimitTest {

    private static Map<String, Object> limited(TestBackend backend, String rateLimit) {
        Map<String, Object> properties = Gateway.upstream("api", backend);
        properties.put("spring.cloud.gateway.server.webflux.routes[0].filters[0]", "RateLimit=" + rateLimit);
        return properties;
    }

    private static List<Integer> statuses(Gateway gateway, int count, String... headers) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            statuses.add(gateway.get("/x", headers).statusCode());
        }
        return statuses;
    }

    @Test
    void aClientGetsItsBurstThen429WithRetryAfter() {
        try (TestBackend backend = TestBackend.start("a");
             Gateway gateway = Gateway.start(limited(backend, "1,3,client,1m"))) {
            List<String> remaining = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> response = gateway.get("/x");
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().firstValue("X-RateLimit-Limit")).hasValue("3");
                remaining.add(response.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
            }
            assertThat(remaining).containsExactly("2", "1", "0");
            HttpResponse<String> refused = gateway.get("/x");
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
            assertThat(backend.requests()).isEqualTo(3);
            assertThat(gateway.management("/actuator/prometheus").body())
                    .contains("turnpike_security_rejections_total{application=\"turnpike\",reason=\"rate-limited\",route=\"api\"} 1.0");
        }
    }

    @Test
    void aHeaderKeyGivesEachValueItsOwnBucket() {
        try (TestBackend backend = TestBackend.start("a");
             Gateway gateway = Gateway.start(limited(backend, "1,2,header:X-Tenant,1m"))) {
            assertThat(statuses(gateway, 3, "X-Tenant", "acme")).containsExactly(200, 200, 429);
            assertThat(statuses(gateway, 2, "X-Tenant", "globex")).containsExactly(200, 200);
        }
    }

    @Test
    void replicasShareOneLimitThroughRedisAndKeepLimitingWhenItDies() {
        try (RedisServer redis = RedisServer.start(); TestBackend backend = TestBackend.start("a")) {
            Map<String, Object> local = limited(backend, "1,4,client,1m");
            local.put("spring.data.redis.host", "127.0.0.1");
            local.put("spring.data.redis.port", redis.port());
            Map<String, Object> strict = new java.util.LinkedHashMap<>(local);
            strict.put("turnpike.rate-limit.redis-failure", "deny");
            try (Gateway first = Gateway.start(local); Gateway second = Gateway.start(strict)) {
                assertThat(statuses(first, 2)).containsExactly(200, 200);
                assertThat(statuses(second, 2)).containsExactly(200, 200);
                assertThat(statuses(first, 1)).as("one bucket for both replicas").containsExactly(429);
                assertThat(statuses(second, 1)).containsExactly(429);

                redis.kill();
                assertThat(statuses(first, 5)).as("each instance limits on its own").containsExactly(200, 200, 200, 200, 429);
                HttpResponse<String> denied = second.get("/x");
                assertThat(denied.statusCode()).isEqualTo(503);
                assertThat(backend.requests()).isEqualTo(8);
            }
        }
    }
}
