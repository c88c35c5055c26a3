package dev.turnpike.config;

import dev.turnpike.ratelimit.LocalTokenBuckets;
import dev.turnpike.ratelimit.RateLimitGatewayFilterFactory;
import dev.turnpike.ratelimit.RedisTokenBuckets;
import dev.turnpike.ratelimit.TokenBuckets;
import dev.turnpike.security.SecurityRejections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** RateLimit buckets: in memory, or in Redis when {@code spring.data.redis.host} or {@code .url} is set. */
@Configuration(proxyBeanMethods = false)
public class RateLimitConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RateLimitConfiguration.class);

    @Bean
    TokenBuckets tokenBuckets(Environment environment, TurnpikeProperties properties,
                              ObjectProvider<ReactiveStringRedisTemplate> redis) {
        LocalTokenBuckets local = new LocalTokenBuckets();
        boolean redisConfigured = environment.containsProperty("spring.data.redis.host")
                || environment.containsProperty("spring.data.redis.url");
        if (!redisConfigured) {
            return local;
        }
        TurnpikeProperties.RateLimit settings = properties.rateLimit();
        log.info("Rate-limit buckets live in Redis, shared by every replica; while Redis is unreachable: {}",
                settings.redisFailure().name().toLowerCase(java.util.Locale.ROOT));
        return new RedisTokenBuckets(redis.getObject(), local, settings.redisFailure(), settings.redisTimeout());
    }

    @Bean
    RateLimitGatewayFilterFactory rateLimitGatewayFilterFactory(TokenBuckets buckets, SecurityRejections rejections) {
        return new RateLimitGatewayFilterFactory(buckets, rejections);
    }
}
