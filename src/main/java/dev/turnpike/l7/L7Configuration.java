package dev.turnpike.l7;

import dev.turnpike.config.TurnpikeProperties;
import dev.turnpike.l7.hygiene.HttpHardening;
import dev.turnpike.l7.hygiene.HttpHardeningCustomizer;
import dev.turnpike.upstream.ConnectionWarmer;
import dev.turnpike.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClientsProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.client.HttpClient;

/** Connects Spring Cloud Gateway to the upstream pools. */
@Configuration(proxyBeanMethods = false)
public class L7Configuration {

    @Bean
    UpstreamLoadBalancerClientFactory loadBalancerClientFactory(LoadBalancerClientsProperties properties,
                                                                UpstreamRegistry registry) {
        return new UpstreamLoadBalancerClientFactory(properties, registry);
    }

    @Bean
    TrustedProxies trustedProxies(TurnpikeProperties properties) {
        return new TrustedProxies(properties.trustedProxies());
    }

    @Bean
    ClientAddressFilter clientAddressFilter(TrustedProxies trustedProxies) {
        return new ClientAddressFilter(trustedProxies);
    }

    @Bean
    ForwardedHeadersFilter turnpikeForwardedHeadersFilter(TrustedProxies trustedProxies) {
        return new ForwardedHeadersFilter(trustedProxies);
    }

    @Bean
    RouteMetricsFilter routeMetricsFilter(MeterRegistry registry) {
        return new RouteMetricsFilter(registry);
    }

    @Bean
    UpstreamRoutingFilter upstreamRoutingFilter(UpstreamLoadBalancerClientFactory balancers) {
        return new UpstreamRoutingFilter(balancers);
    }

    @Bean
    ConnectionTracker connectionTracker(ObjectProvider<UpstreamRegistry> registry) {
        return new ConnectionTracker(registry::getObject);
    }

    @Bean
    ConnectionWarmer httpConnectionWarmer(ObjectProvider<HttpClient> gatewayHttpClient) {
        return new HttpConnectionWarmer(gatewayHttpClient::getObject);
    }

    @Bean
    HttpHardeningCustomizer httpHardeningCustomizer(TurnpikeProperties properties, MeterRegistry registry) {
        TurnpikeProperties.Http http = properties.http();
        return new HttpHardeningCustomizer(new HttpHardening(http.maxBodySize(), http.headerTimeout(),
                http.keepAliveTimeout(), registry));
    }

    @Bean
    EventLoopCompletionFilter eventLoopCompletionFilter() {
        return new EventLoopCompletionFilter();
    }

    @Bean
    GatewayErrorHandler gatewayErrorHandler() {
        return new GatewayErrorHandler();
    }
}
