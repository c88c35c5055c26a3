package dev.turnpike.actuate;

import dev.turnpike.l4.L4Listeners;
import dev.turnpike.upstream.UpstreamRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class ActuateConfiguration {

    @Bean(name = "upstreams")
    UpstreamsHealthContributor upstreamsHealthContributor(UpstreamRegistry registry) {
        return new UpstreamsHealthContributor(registry);
    }

    @Bean(name = "warmup")
    WarmupHealthIndicator warmupHealthIndicator(UpstreamRegistry registry) {
        return new WarmupHealthIndicator(registry);
    }

    @Bean
    ShutdownReadinessDelay shutdownReadinessDelay(org.springframework.context.ApplicationContext context,
                                                  dev.turnpike.config.TurnpikeProperties properties) {
        return new ShutdownReadinessDelay(context, properties.shutdown().readinessDelay());
    }

    @Bean
    UpstreamMetrics upstreamMetrics(UpstreamRegistry registry) {
        return new UpstreamMetrics(registry);
    }

    @Bean
    io.micrometer.core.instrument.binder.MeterBinder logEventMetrics() {
        return LogEventMetrics::bind;
    }

    @Bean
    ListenersEndpoint listenersEndpoint(L4Listeners listeners) {
        return new ListenersEndpoint(listeners);
    }

    @Bean
    ResponseCacheEndpoint responseCacheEndpoint(dev.turnpike.cache.ResponseCacheStore store) {
        return new ResponseCacheEndpoint(store);
    }

    @Bean
    TurnpikeEndpoint turnpikeEndpoint(dev.turnpike.config.live.LiveConfiguration live,
                                      org.springframework.cloud.gateway.config.GatewayProperties gateway,
                                      UpstreamRegistry registry, L4Listeners listeners) {
        return new TurnpikeEndpoint(live, gateway, registry, listeners);
    }

    @Bean
    UpstreamsEndpoint upstreamsEndpoint(UpstreamRegistry registry) {
        return new UpstreamsEndpoint(registry);
    }
}
