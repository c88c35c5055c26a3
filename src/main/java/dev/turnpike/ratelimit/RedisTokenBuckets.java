package dev.turnpike.ratelimit;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Buckets in Redis, so that every replica draws from the same ones: one Lua script reads, refills
 * and takes atomically, on Redis's own clock. When Redis does not answer within the timeout, the
 * configured {@link RedisFailure} policy decides, and the outage is logged once, not per request.
 */
public final class RedisTokenBuckets implements TokenBuckets {

    private static final Logger log = LoggerFactory.getLogger(RedisTokenBuckets.class);

    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> SCRIPT = RedisScript.of(new ClassPathResource("scripts/token-bucket.lua"), List.class);

    private final ReactiveStringRedisTemplate redis;
    private final LocalTokenBuckets local;
    private volatile RedisFailure onFailure;
    private volatile Duration timeout;
    private volatile boolean failing;

    public RedisTokenBuckets(ReactiveStringRedisTemplate redis, LocalTokenBuckets local, RedisFailure onFailure, Duration timeout) {
        this.redis = redis;
        this.local = local;
        this.onFailure = onFailure;
        this.timeout = timeout;
    }

    /** The failure policy and timeout for takes from now on. */
    public void use(RedisFailure onFailure, Duration timeout) {
        this.onFailure = onFailure;
        this.timeout = timeout;
    }

    @Override
    public Mono<Take> take(String key, Limit limit) {
        List<String> args = List.of(Double.toString(limit.tokensPerMilli()), Long.toString(limit.burst()),
                Long.toString(limit.fillTime().toMillis() + 1000));
        return redis.execute(SCRIPT, List.of("turnpike:rl:" + key), args)
                .next()
                .timeout(timeout)
                .map(result -> {
                    if (failing) {
                        failing = false;
                        log.info("Redis answers again; rate limits are shared across replicas again");
                    }
                    List<?> values = (List<?>) result;
                    return new Take(((Number) values.get(0)).longValue() == 1, ((Number) values.get(1)).longValue(),
                            ((Number) values.get(2)).longValue());
                })
                .onErrorResume(error -> {
                    if (!failing) {
                        failing = true;
                        log.warn("Redis is unreachable for rate limits ({}); meanwhile: {}", error.toString(), onFailure.description());
                    }
                    return Mono.just(switch (onFailure) {
                        case LOCAL -> local.takeNow(key, limit);
                        case ALLOW -> new Take(true, limit.burst(), 0);
                        case DENY -> new Take(false, 0, -1);
                    });
                });
    }
}
