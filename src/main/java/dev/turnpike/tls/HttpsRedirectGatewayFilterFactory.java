package dev.turnpike.tls;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.core.Ordered;

/** {@code HttpsRedirect}: this route's plain-HTTP requests are redirected to HTTPS before anything else runs. */
public class HttpsRedirectGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {

    private final HttpsRedirect redirect;

    public HttpsRedirectGatewayFilterFactory(HttpsRedirect redirect) {
        this.redirect = redirect;
    }

    @Override
    public GatewayFilter apply(Object config) {
        return new OrderedGatewayFilter((exchange, chain) -> redirect.applies(exchange.getRequest())
                ? redirect.redirect(exchange) : chain.filter(exchange), Ordered.HIGHEST_PRECEDENCE);
    }
}
