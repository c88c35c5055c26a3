package dev.turnpike.l7;

import java.net.URI;
import java.util.function.Consumer;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

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
            String scheme = schemePrefix != null ? url.getScheme() : "http";
            exchange.getAttributes().put(GATEWAY_REQUEST_URL_ATTR, targetUri(scheme, instance, exchange.getRequest().getURI()));
            exchange.getAttributes().put(GATEWAY_LOADBALANCER_RESPONSE_ATTR, response);
            return accounted(instance, exchange, chain);
        });
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

    private static Mono<Void> accounted(UpstreamServiceInstance instance, ServerWebExchange exchange,
                                        GatewayFilterChain chain) {
        Attempt attempt = new Attempt(instance, exchange);
        instance.server().started();
        return chain.filter(exchange).doOnError(attempt::failedWith).doFinally(attempt);
    }

    /** A failure the backend is to blame for: one the client sees as 502 or 504. */
    static boolean isBackendFailure(Throwable error) {
        HttpStatus status = GatewayErrorHandler.classify(error).status();
        return status == HttpStatus.BAD_GATEWAY || status == HttpStatus.GATEWAY_TIMEOUT;
    }

    /**
     * One try of one server; a retry makes a new attempt. An error is accounted as it passes,
     * before the error handler answers the client; success and cancellation when the chain ends.
     */
    private static final class Attempt implements Consumer<SignalType> {

        private final UpstreamServiceInstance instance;
        private final ServerWebExchange exchange;
        private boolean finished;

        Attempt(UpstreamServiceInstance instance, ServerWebExchange exchange) {
            this.instance = instance;
            this.exchange = exchange;
        }

        void failedWith(Throwable error) {
            finish(isBackendFailure(error));
        }

        @Override
        public void accept(SignalType signal) {
            if (signal == SignalType.CANCEL) {
                finish(false);
                return;
            }
            HttpStatusCode status = exchange.getResponse().getStatusCode();
            finish(status != null && instance.pool().passive().failOnStatuses().contains(status.value()));
        }

        private void finish(boolean failed) {
            if (!finished) {
                finished = true;
                instance.server().finished(failed, instance.pool().passive());
            }
        }
    }
}
