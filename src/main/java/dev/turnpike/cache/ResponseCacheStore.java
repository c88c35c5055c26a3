package dev.turnpike.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpHeaders;

/**
 * The stored responses, bounded by total bytes (a weigher) on Caffeine. A response that names
 * request headers in {@code Vary} is stored under its primary key plus those headers' values; the
 * names are kept per primary key, as nginx keeps its secondary key.
 */
public final class ResponseCacheStore {

    private final Cache<String, CachedResponse> entries;
    /** Per primary key: the route that stored it, the request headers its responses vary on, and the keys of the variants stored. */
    private record Variants(String route, List<String> names, Set<String> keys) {
    }

    private final Cache<String, Variants> variants = Caffeine.newBuilder().maximumSize(100_000).build();

    /** A new total size; entries beyond it are evicted, least valuable first. */
    public void resize(long maxBytes) {
        entries.policy().eviction().ifPresent(eviction -> eviction.setMaximum(maxBytes));
    }

    public ResponseCacheStore(long maxBytes, MeterRegistry registry) {
        Counter evictions = Counter.builder("turnpike.cache.evictions")
                .description("Cached responses dropped to stay under the size limit").register(registry);
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, CachedResponse entry) -> entry.weight())
                .removalListener((String key, CachedResponse entry, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE) {
                        evictions.increment();
                    }
                })
                .build();
        Gauge.builder("turnpike.cache.bytes", entries,
                        cache -> cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L))
                .description("Bytes held by the response cache").register(registry);
    }

    public CachedResponse get(String primaryKey, HttpHeaders request) {
        Variants known = variants.getIfPresent(primaryKey);
        return known == null ? null : entries.getIfPresent(key(primaryKey, known.names(), request));
    }

    public void put(String route, String primaryKey, List<String> vary, HttpHeaders request, CachedResponse entry) {
        Variants known = variants.asMap().compute(primaryKey, (k, current) ->
                current != null && current.names().equals(vary) && current.route().equals(route) ? current
                        : new Variants(route, List.copyOf(vary), ConcurrentHashMap.newKeySet()));
        String key = key(primaryKey, vary, request);
        known.keys().add(key);
        entries.put(key, entry);
    }

    /** Drops every variant stored under the primary key. */
    public void invalidate(String primaryKey) {
        Variants known = variants.asMap().remove(primaryKey);
        if (known != null) {
            entries.invalidateAll(known.keys());
        }
    }

    /** Drops the entries of one URL ({@code scheme://host/path?query}); returns how many URLs were dropped. */
    public int purgeUrl(String url) {
        return purge(primary -> primary.equals(url));
    }

    /** Drops the entries whose path starts with the prefix, on any host. */
    public int purgePathPrefix(String prefix) {
        return purge(primary -> pathOf(primary).startsWith(prefix));
    }

    /** Drops everything one route stored. */
    public int purgeRoute(String route) {
        java.util.List<String> doomed = variants.asMap().entrySet().stream()
                .filter(e -> e.getValue().route().equals(route)).map(java.util.Map.Entry::getKey).toList();
        doomed.forEach(this::invalidate);
        return doomed.size();
    }

    private int purge(java.util.function.Predicate<String> primary) {
        java.util.List<String> doomed = variants.asMap().keySet().stream().filter(primary).toList();
        doomed.forEach(this::invalidate);
        return doomed.size();
    }

    private static String pathOf(String primaryKey) {
        int scheme = primaryKey.indexOf("://");
        int path = scheme < 0 ? -1 : primaryKey.indexOf('/', scheme + 3);
        return path < 0 ? "" : primaryKey.substring(path);
    }

    private static String key(String primaryKey, List<String> vary, HttpHeaders request) {
        if (vary.isEmpty()) {
            return primaryKey;
        }
        StringBuilder key = new StringBuilder(primaryKey);
        for (String name : vary) {
            key.append('\u0000').append(name.toLowerCase(Locale.ROOT)).append('=');
            List<String> values = request.get(name);
            if (values != null) {
                key.append(String.join(",", values));
            }
        }
        return key.toString();
    }
}
