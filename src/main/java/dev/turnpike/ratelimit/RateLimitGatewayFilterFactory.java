package dev.turnpike.ratelimit;

import dev.turnpike.metrics.RouteTag;
import dev.turnpike.security.AuthenticateGatewayFilterFactory;
import dev.turnpike.security.ClientAddress;
import dev.turnpike.security.EventLoopReturn;
import dev.turnpike.security.GuardOrder;
import dev.turnpike.security.Identity;
import dev.turnpike.security.SecurityRejections;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code RateLimit=<rate>,<burst>[,<key>[,<period>]]}: a token bucket per key, {@code burst}
 * tokens deep, refilled at {@code rate} per {@code period} (1s by default). The key is
 * {@code client} (the real client address, the default), {@code subject} (the authenticated
 * subject or API-key client id, after {@code Authenticate}) or {@code header:<name>}. Every answer
 * carries {@code X-RateLimit-Limit} and {@code X-RateLimit-Remaining}; a refused request gets
 * 429 with {@code Retry-After}.
 */
public class RateLimitGatewayFilterFactory extends AbstractGatewayFilterFactory<RateLimitGatewayFilterFactory.Config> {

    public static class Config {

        private long rate;
        private long burst;
        private String key = "client";
        private Duration period = Duration.ofSeconds(1);

        public long getRate() {
            return rate;
        }

        public void setRate(long rate) {
            this.rate = rate;
        }

        public long getBurst() {
            return burst;
        }

        public void setBurst(long burst) {
            this.burst = burst;
        }

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }

        public Duration getPeriod() {
            return period;
        }

        public void setPeriod(Duration period) {
            this.period = period;
        }
    }

    private final TokenBuckets buckets;
    private final SecurityRejections rejections;

    public RateLimitGatewayFilterFactory(TokenBuckets buckets, SecurityRejections rejections) {
        super(Config.class);
        this.buckets = buckets;
        this.rejections = rejections;
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("rate", "burst", "key", "period");
    }

    @Override
    public GatewayFilter apply(Config config) {
        Limit limit = new Limit(config.getRate(), config.getPeriod(), config.getBurst() == 0 ? config.getRate() : config.getBurst());
        Function<ServerWebExchange, String> key = keyResolver(config.getKey());
        String limitHeader = Long.toString(limit.burst());
        return GuardOrder.guard((exchange, chain) -> {
            String bucket = RouteTag.of(exchange) + ":" + key.apply(exchange);
            return EventLoopReturn.of(buckets.take(bucket, limit), exchange).flatMap(take -> {
                HttpHeaders headers = exchange.getResponse().getHeaders();
                headers.set("X-RateLimit-Limit", limitHeader);
                headers.set("X-RateLimit-Remaining", Long.toString(Math.max(0, take.remaining())));
                if (take.allowed()) {
                    return chain.filter(exchange);
                }
                if (take.retryAfterMillis() < 0) {
                    return rejections.refuse(exchange, HttpStatus.SERVICE_UNAVAILABLE, "rate-limit-unavailable",
                            "the rate limit cannot be checked right now");
                }
                HttpHeaders retry = new HttpHeaders();
                retry.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (take.retryAfterMillis() + 999) / 1000)));
                return rejections.refuse(exchange, HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "too many requests", retry);
            });
        });
    }

    static Function<ServerWebExchange, String> keyResolver(String key) {
        String normalised = key.trim().toLowerCase(Locale.ROOT);
        if (normalised.equals("client")) {
            return exchange -> "client:" + ClientAddress.of(exchange);
        }
        if (normalised.equals("subject")) {
            return exchange -> {
                Identity identity = exchange.getAttribute(AuthenticateGatewayFilterFactory.IDENTITY_ATTRIBUTE);
                return identity != null ? "subject:" + identity.subject() : "client:" + ClientAddress.of(exchange);
            };
        }
        if (normalised.startsWith("header:") && normalised.length() > 7) {
            String header = key.trim().substring(7);
            return exchange -> {
                String value = exchange.getRequest().getHeaders().getFirst(header);
                return value != null ? "header:" + value : "client:" + ClientAddress.of(exchange);
            };
        }
        throw new IllegalArgumentException("RateLimit key must be client, subject or header:<name>, not '" + key + "'");
    }
}
