package dev.turnpike.l7;

import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.web.server.ServerWebExchange;
import reactor.netty.http.client.HttpClient;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR;

/**
 * Spring Cloud Gateway's proxying filter, with one change: a request to a pool with TLS on goes
 * through that pool's TLS client (its trust, client certificate and server name), not the one
 * gateway-wide setting. Same connection pool, so warm connections are the ones requests use.
 */
final class UpstreamNettyRoutingFilter extends NettyRoutingFilter {

    UpstreamNettyRoutingFilter(HttpClient httpClient, ObjectProvider<List<HttpHeadersFilter>> headersFilters,
                               HttpClientProperties properties) {
        super(httpClient, headersFilters, properties);
    }

    @Override
    protected HttpClient getHttpClient(Route route, ServerWebExchange exchange) {
        HttpClient client = super.getHttpClient(route, exchange);
        Response<ServiceInstance> chosen = exchange.getAttribute(GATEWAY_LOADBALANCER_RESPONSE_ATTR);
        if (chosen != null && chosen.getServer() instanceof UpstreamServiceInstance instance && instance.pool().tls() != null) {
            return client.secure(instance.pool().tls());
        }
        return client;
    }
}
