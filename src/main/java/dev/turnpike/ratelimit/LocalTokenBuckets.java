package dev.turnpike.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/** Buckets in this instance's memory, updated lock-free; a bucket is forgotten once it would be full again. */
public final class LocalTokenBuckets implements TokenBuckets {

    private record State(double tokens, long atNanos) {
    }

    private record Bucket(Limit limit, AtomicReference<State> state) {
    }

    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(1_000_000)
            .expireAfter(Expiry.accessing((String key, Bucket bucket) -> bucket.limit().fillTime().plusSeconds(1)))
            .build();

    @Override
    public Mono<Take> take(String key, Limit limit) {
        return Mono.just(takeNow(key, limit));
    }

    Take takeNow(String key, Limit limit) {
        Bucket bucket = buckets.get(key, k -> new Bucket(limit, new AtomicReference<>(new State(limit.burst(), System.nanoTime()))));
        double perMilli = limit.tokensPerMilli();
        while (true) {
            State current = bucket.state().get();
            long now = System.nanoTime();
            double tokens = Math.min(limit.burst(), current.tokens() + (now - current.atNanos()) / 1_000_000.0 * perMilli);
            boolean allowed = tokens >= 1;
            State next = new State(allowed ? tokens - 1 : tokens, now);
            if (bucket.state().compareAndSet(current, next)) {
                long retry = allowed ? 0 : (long) Math.ceil((1 - tokens) / perMilli);
                return new Take(allowed, (long) Math.floor(next.tokens()), retry);
            }
        }
    }
}
