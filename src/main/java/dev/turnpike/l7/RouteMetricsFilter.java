package dev.turnpike.l7;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * {@code turnpike.route.requests}: a timer per route and response status, with histogram buckets
 * from 1 ms to 30 s. Timers are looked up once and then served from an array by status code, so
 * recording costs no tag building per request. A request that ends in an error is recorded with
 * the status the client is sent, as the error passes.
 */
final class RouteMetricsFilter implements GlobalFilter, Ordered {

    private static final Duration[] BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};
    /** A client that went away before the response: nginx's convention. */
    private static final int CLIENT_CLOSED = 499;

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, AtomicReferenceArray<Timer>> timers = new ConcurrentHashMap<>();

    RouteMetricsFilter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        long start = System.nanoTime();
        return ExchangeOutcome.watch(chain.filter(exchange), exchange, (ending, status) -> {
            Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
            if (route != null) {
                timer(route.getId(), ending == ExchangeOutcome.Ending.CANCEL ? CLIENT_CLOSED : status)
                        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        });
    }

    private Timer timer(String route, int status) {
        AtomicReferenceArray<Timer> byStatus = timers.get(route);
        if (byStatus == null) {
            byStatus = timers.computeIfAbsent(route, r -> new AtomicReferenceArray<>(600));
        }
        int slot = status >= 100 && status < 600 ? status : 0;
        Timer timer = byStatus.get(slot);
        if (timer == null) {
            timer = Timer.builder("turnpike.route.requests")
                    .description("Requests per route and response status")
                    .tag("route", route)
                    .tag("status", slot == 0 ? "other" : Integer.toString(status))
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry);
            byStatus.set(slot, timer);
        }
        return timer;
    }
}
