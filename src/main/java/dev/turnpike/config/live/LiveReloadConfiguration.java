package dev.turnpike.config.live;

import dev.turnpike.actuate.UpstreamMetrics;
import dev.turnpike.config.TurnpikeProperties;
import dev.turnpike.l4.L4Listeners;
import dev.turnpike.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.handler.predicate.RoutePredicateFactory;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.ConfigurableEnvironment;

/** Live reload: the running configuration, and the watcher that reloads it when its files change. */
@Configuration(proxyBeanMethods = false)
public class LiveReloadConfiguration {

    @Bean(destroyMethod = "close")
    LiveConfiguration liveConfiguration(ConfigurableEnvironment environment,
                                       org.springframework.beans.factory.config.ConfigurableListableBeanFactory beans,
                                       UpstreamRegistry upstreams, L4Listeners listeners, SslBundles bundles,
                                       GatewayProperties gateway, ApplicationEventPublisher events,
                                       List<RoutePredicateFactory> predicates, List<GatewayFilterFactory> filters,
                                       ConfigurationService configurationService, List<Reconfigurable> settings,
                                       ObjectProvider<LoggingSystem> logging, ObjectProvider<MeterRegistry> meters,
                                       ObjectProvider<UpstreamMetrics> upstreamMetrics) {
        CandidateLoader loader = new CandidateLoader(environment, bindingConverters(beans));
        LiveConfiguration.Parts parts = new LiveConfiguration.Parts(upstreams, listeners, bundles, gateway, events,
                new RouteValidator(predicates, filters, configurationService), settings,
                logging.getIfAvailable(), () -> upstreamMetrics.ifAvailable(UpstreamMetrics::refresh));
        return new LiveConfiguration(loader, parts, meters.getIfAvailable());
    }

    @Bean
    Reconfigurable trustedProxiesReload(dev.turnpike.l7.TrustedProxies proxies) {
        return (next, routes) -> Reconfigurable.committing(() -> proxies.use(next.trustedProxies()));
    }

    @Bean
    Reconfigurable rateLimitReload(dev.turnpike.ratelimit.TokenBuckets buckets) {
        return (next, routes) -> Reconfigurable.committing(() -> {
            if (buckets instanceof dev.turnpike.ratelimit.RedisTokenBuckets redis) {
                redis.use(next.rateLimit().redisFailure(), next.rateLimit().redisTimeout());
            }
        });
    }

    @Bean
    Reconfigurable cacheReload(dev.turnpike.cache.ResponseCacheGatewayFilterFactory cache) {
        return (next, routes) -> {
            TurnpikeProperties.Cache settings = next.cache();
            return Reconfigurable.committing(() -> cache.use(new dev.turnpike.cache.CacheSettings(settings.maxSize(),
                    settings.maxEntrySize(), settings.coalesceTimeout(), settings.storeSetCookie())));
        };
    }

    /** The converters Spring Boot binds configuration properties with: those marked {@code @ConfigurationPropertiesBinding}. */
    private static List<Converter<?, ?>> bindingConverters(
            org.springframework.beans.factory.config.ConfigurableListableBeanFactory beans) {
        List<Converter<?, ?>> converters = new java.util.ArrayList<>();
        for (String name : beans.getBeanNamesForType(Converter.class, false, false)) {
            if (beans.findAnnotationOnBean(name, ConfigurationPropertiesBinding.class) != null) {
                converters.add(beans.getBean(name, Converter.class));
            }
        }
        return converters;
    }

    @Bean
    @ConditionalOnProperty(name = "turnpike.reload.watch", matchIfMissing = true)
    ConfigurationWatcher configurationWatcher(LiveConfiguration live, TurnpikeProperties properties) {
        return new ConfigurationWatcher(live, properties.reload());
    }
}
