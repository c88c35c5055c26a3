package dev.turnpike.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@code turnpike.cache.requests{route,result}} (hit, miss, bypass) and {@code turnpike.cache.coalesced{route}}. */
public final class CacheMetrics {

    private record Key(String route, String result) {
    }

    private final MeterRegistry registry;
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();

    public CacheMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void request(String route, String result) {
        counters.computeIfAbsent(new Key(route, result), k -> Counter.builder("turnpike.cache.requests")
                .description("Requests through a ResponseCache route, by result")
                .tag("route", k.route()).tag("result", k.result()).register(registry)).increment();
    }

    void coalesced(String route) {
        counters.computeIfAbsent(new Key(route, "coalesced"), k -> Counter.builder("turnpike.cache.coalesced")
                .description("Cache misses that waited for another request's backend call")
                .tag("route", k.route()).register(registry)).increment();
    }
}
