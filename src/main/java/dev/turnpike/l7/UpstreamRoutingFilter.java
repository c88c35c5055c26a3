package dev.turnpike.l7;

import java.net.URI;
import dev.turnpike.upstream.Server;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_SCHEME_PREFIX_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.addOriginalRequestUrl;

/**
 * Resolves {@code lb://<upstream>} routes through the upstream's Spring Cloud LoadBalancer
 * ({@link UpstreamLoadBalancer}), in place of the stock {@link ReactiveLoadBalancerClientFilter}
 * and just before it: the same exchange attributes are set, so Spring Cloud Gateway's filters
 * (Retry, WebSocket routing) work unchanged, while the request needs no per-request copies of
 * cookies, lifecycle look-ups or URI builders. Each attempt is accounted on its server: in-flight
 * count while it runs, then a success or a failure for passive health.
 */
final class UpstreamRoutingFilter implements GlobalFilter, Ordered {

    static final int ORDER = ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER - 1;

    private final UpstreamLoadBalancerClientFactory balancers;

    UpstreamRoutingFilter(UpstreamLoadBalancerClientFactory balancers) {
        this.balancers = balancers;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        URI url = exchange.getAttribute(GATEWAY_REQUEST_URL_ATTR);
        String schemePrefix = exchange.getAttribute(GATEWAY_SCHEME_PREFIX_ATTR);
        if (url == null || (!"lb".equals(url.getScheme()) && !"lb".equals(schemePrefix))) {
            return chain.filter(exchange);
        }
        addOriginalRequestUrl(exchange, url);
        String upstream = url.getHost();
        ReactorServiceInstanceLoadBalancer balancer = balancers.balancer(upstream);
        if (balancer == null) {
            return Mono.error(NotFoundException.create(false, "no upstream " + upstream));
        }
        return balancer.choose(new DefaultRequest<>(new UpstreamRequestContext(exchange))).flatMap(response -> {
            if (!(response.getServer() instanceof UpstreamServiceInstance instance)) {
                return Mono.error(NotFoundException.create(false, "no server available in upstream " + upstream));
            }
            String scheme = scheme(schemePrefix != null ? url.getScheme() : "http", instance.isSecure());
            exchange.getAttributes().put(GATEWAY_REQUEST_URL_ATTR, targetUri(scheme, instance, exchange.getRequest().getURI()));
            exchange.getAttributes().put(GATEWAY_LOADBALANCER_RESPONSE_ATTR, response);
            return accounted(instance, exchange, chain);
        });
    }

    /** {@code http} and {@code ws} become {@code https} and {@code wss} toward a pool with TLS on. */
    static String scheme(String scheme, boolean secure) {
        if (!secure) {
            return scheme;
        }
        return switch (scheme) {
            case "http" -> "https";
            case "ws" -> "wss";
            default -> scheme;
        };
    }

    /** The request's own path and query, raw as received, on the chosen server. */
    static URI targetUri(String scheme, UpstreamServiceInstance instance, URI original) {
        StringBuilder uri = new StringBuilder(64)
                .append(scheme).append("://").append(instance.server().address());
        String path = original.getRawPath();
        uri.append(path == null || path.isEmpty() ? "/" : path);
        if (original.getRawQuery() != null) {
            uri.append('?').append(original.getRawQuery());
        }
        return URI.create(uri.toString());
    }

    /**
     * One try of one server; a retry makes a new attempt. A failed attempt is accounted before
     * the client is answered.
     */
    private static Mono<Void> accounted(UpstreamServiceInstance instance, ServerWebExchange exchange,
                                        GatewayFilterChain chain) {
        Server server = instance.server();
        Server.Passive passive = instance.pool().passive();
        server.started();
        long start = System.nanoTime();
        return ExchangeOutcome.watch(chain.filter(exchange), exchange, (ending, status) -> server.finished(
                switch (ending) {
                    case ERROR -> isBackendFailure(status);
                    case CANCEL -> false;
                    case RESPONSE -> passive.failOnStatuses().contains(status);
                }, passive, System.nanoTime() - start));
    }

    /** A failure the backend is to blame for: one the client sees as 502 or 504. */
    static boolean isBackendFailure(int clientStatus) {
        return clientStatus == HttpStatus.BAD_GATEWAY.value() || clientStatus == HttpStatus.GATEWAY_TIMEOUT.value();
    }
}
