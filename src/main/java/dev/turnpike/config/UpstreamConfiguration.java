package dev.turnpike.config;

import dev.turnpike.tls.UpstreamTlsContexts;
import org.springframework.boot.ssl.SslBundles;
import dev.turnpike.upstream.ConnectionWarmer;
import dev.turnpike.upstream.UpstreamRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TurnpikeProperties.class)
public class UpstreamConfiguration {

    @Bean
    UpstreamRegistry upstreamRegistry(TurnpikeProperties properties, GatewayProperties gateway,
                                      ConnectionWarmer warmer, SslBundles bundles) {
        RouteUpstreamCheck.check(gateway.getRoutes(), properties.upstreams().keySet());
        return new UpstreamRegistry(properties.upstreams(), UpstreamTlsContexts.build(properties.upstreams(), bundles), warmer);
    }
}
