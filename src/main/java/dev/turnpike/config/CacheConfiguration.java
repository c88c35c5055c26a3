package dev.turnpike.config;

import dev.turnpike.cache.CacheMetrics;
import dev.turnpike.cache.CacheSettings;
import dev.turnpike.cache.ResponseCacheGatewayFilterFactory;
import dev.turnpike.cache.ResponseCacheStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The response cache behind the ResponseCache route filter. */
@Configuration(proxyBeanMethods = false)
public class CacheConfiguration {

    @Bean
    CacheSettings cacheSettings(TurnpikeProperties properties) {
        TurnpikeProperties.Cache cache = properties.cache();
        return new CacheSettings(cache.maxSize(), cache.maxEntrySize(), cache.coalesceTimeout(), cache.storeSetCookie());
    }

    @Bean
    ResponseCacheStore responseCacheStore(CacheSettings settings, MeterRegistry registry) {
        return new ResponseCacheStore(settings.maxSize().toBytes(), registry);
    }

    @Bean
    ResponseCacheGatewayFilterFactory responseCacheGatewayFilterFactory(ResponseCacheStore store, CacheSettings settings,
                                                                        MeterRegistry registry) {
        return new ResponseCacheGatewayFilterFactory(store, settings, new CacheMetrics(registry));
    }
}
