package dev.turnpike.l7;

import dev.turnpike.upstream.Server;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.http.client.PrematureCloseException;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR;

/**
 * Accounts each call to an upstream server: in-flight count while it runs, then success or a
 * failure for passive health (connect errors, timeouts, a premature close, and the pool's
 * configured statuses). Runs once per attempt, so retries are counted too.
 */
final class UpstreamCallFilter implements GlobalFilter, Ordered {

    static final int ORDER = ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER + 1;

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Response<ServiceInstance> response = exchange.getAttribute(GATEWAY_LOADBALANCER_RESPONSE_ATTR);
        if (response == null || !(response.getServer() instanceof UpstreamServiceInstance instance)) {
            return chain.filter(exchange);
        }
        Call call = new Call(instance, exchange);
        instance.server().started();
        return chain.filter(exchange).doOnError(call::failedWith).doFinally(call);
    }

    static boolean isBackendFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof ConnectTimeoutException
                    || t instanceof TimeoutException || t instanceof PrematureCloseException) {
                return true;
            }
            if (t instanceof ResponseStatusException rse && rse.getStatusCode().value() == HttpStatus.GATEWAY_TIMEOUT.value()) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static final class Call implements java.util.function.Consumer<SignalType> {

        private final UpstreamServiceInstance instance;
        private final ServerWebExchange exchange;
        private Throwable error;

        Call(UpstreamServiceInstance instance, ServerWebExchange exchange) {
            this.instance = instance;
            this.exchange = exchange;
        }

        void failedWith(Throwable error) {
            this.error = error;
        }

        @Override
        public void accept(SignalType signal) {
            Server server = instance.server();
            Server.Passive passive = instance.pool().passive();
            boolean failed;
            if (error != null) {
                failed = isBackendFailure(error);
            } else if (signal == SignalType.CANCEL) {
                failed = false;
            } else {
                HttpStatusCode status = exchange.getResponse().getStatusCode();
                failed = status != null && passive.failOnStatuses().contains(status.value());
            }
            server.finished(failed, passive);
        }
    }
}
