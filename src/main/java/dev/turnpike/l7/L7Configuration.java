package dev.turnpike.l7;

import dev.turnpike.config.TurnpikeProperties;
import dev.turnpike.l7.hygiene.HttpHardening;
import dev.turnpike.l7.hygiene.HttpHardeningCustomizer;
import dev.turnpike.upstream.ConnectionWarmer;
import dev.turnpike.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.Http2;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClientsProperties;
import dev.turnpike.accesslog.AccessLog;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.accept.ApiVersionStrategy;
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

    /**
     * Spring Cloud Gateway's proxying filter is swapped for {@link UpstreamNettyRoutingFilter} as
     * it is created, so that everything Spring Cloud Gateway switches on with it stays on.
     */
    @Bean
    static BeanPostProcessor upstreamNettyRoutingFilter(ObjectProvider<HttpClient> httpClient,
                                                        ObjectProvider<List<HttpHeadersFilter>> headersFilters,
                                                        ObjectProvider<HttpClientProperties> properties) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean.getClass() == NettyRoutingFilter.class) {
                    return new UpstreamNettyRoutingFilter(httpClient.getObject(), headersFilters, properties.getObject());
                }
                return bean;
            }
        };
    }

    /** Spring Cloud Gateway's route lookup, with a small look-ahead instead of a 256-slot buffer per request. */
    @Bean
    RouteLookup routePredicateHandlerMapping(FilteringWebHandler webHandler, RouteLocator routeLocator,
                                             GlobalCorsProperties cors, Environment environment,
                                             ObjectProvider<ApiVersionStrategy> apiVersionStrategy) {
        RouteLookup lookup = new RouteLookup(webHandler, routeLocator, cors, environment);
        apiVersionStrategy.ifAvailable(lookup::setApiVersionStrategy);
        return lookup;
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
        TurnpikeProperties.Http2 http2 = http.http2();
        return new HttpHardeningCustomizer(new HttpHardening(http.maxBodySize(), http.headerTimeout(), http.keepAliveTimeout(),
                new HttpHardening.Http2Limits(http2.maxConcurrentStreams(), http2.maxHeaderListSize(), http2.maxResets(),
                        http2.resetWindow()), registry));
    }

    /** {@code turnpike.http.h2c}: the plain listener also takes HTTP/2 by prior knowledge. */
    @Bean
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> h2cCustomizer(TurnpikeProperties properties) {
        return factory -> {
            if (properties.http().h2c()) {
                Http2 http2 = new Http2();
                http2.setEnabled(true);
                factory.setHttp2(http2);
            }
        };
    }

    @Bean
    RequestIds requestIds() {
        return new RequestIds();
    }

    @Bean
    RequestIds.Outgoing requestIdHeaders() {
        return new RequestIds.Outgoing();
    }

    @Bean
    AccessLogFilter accessLogFilter(AccessLog accessLog, TrustedProxies trustedProxies,
                                    ObjectProvider<dev.turnpike.actuate.ManagementPort> managementPort) {
        java.util.function.Supplier<dev.turnpike.actuate.ManagementPort> port =
                org.springframework.util.function.SingletonSupplier.of(managementPort::getIfAvailable);
        return new AccessLogFilter(accessLog, trustedProxies, exchange -> {
            dev.turnpike.actuate.ManagementPort management = port.get();
            return management != null && management.matches(exchange);
        });
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
