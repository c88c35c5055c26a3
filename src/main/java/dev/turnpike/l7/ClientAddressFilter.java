package dev.turnpike.l7;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Records the real client address for balancing, policies and logs. */
final class ClientAddressFilter implements GlobalFilter, Ordered {

    private final TrustedProxies trustedProxies;

    ClientAddressFilter(TrustedProxies trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        exchange.getAttributes().put(ExchangeAttributes.CLIENT_ADDRESS,
                trustedProxies.clientAddress(exchange.getRequest().getRemoteAddress(), exchange.getRequest().getHeaders()));
        return chain.filter(exchange);
    }
}
