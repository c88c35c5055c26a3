package dev.turnpike.ratelimit;

import reactor.core.publisher.Mono;

/** Where the buckets live: this instance's memory, or Redis shared by every replica. */
public interface TokenBuckets {

    Mono<Take> take(String key, Limit limit);
}
