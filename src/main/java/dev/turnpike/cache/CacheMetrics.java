package dev.turnpike.cache;

import dev.turnpike.metrics.TaggedCounters;
import io.micrometer.core.instrument.MeterRegistry;

/** {@code turnpike.cache.requests{route,result}} (hit, miss, stale, revalidated, bypass) and {@code turnpike.cache.coalesced{route}}. */
public final class CacheMetrics {

    private final TaggedCounters requests;
    private final TaggedCounters coalesced;

    public CacheMetrics(MeterRegistry registry) {
        this.requests = new TaggedCounters(registry, "turnpike.cache.requests",
                "Requests through a ResponseCache route, by result", "route", "result");
        this.coalesced = new TaggedCounters(registry, "turnpike.cache.coalesced",
                "Cache misses that waited for another request's backend call", "route");
    }

    void request(String route, String result) {
        requests.increment(route, result);
    }

    void coalesced(String route) {
        coalesced.increment(route);
    }
}
