package dev.turnpike.l7;

import dev.turnpike.security.EventLoopReturn;
import io.netty.channel.EventLoop;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.GRPCRequestHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.XForwardedHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.TimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import static org.springframework.cloud.gateway.support.RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.isAlreadyRouted;

/**
 * Spring Cloud Gateway's proxying filter, with four changes:
 * <ul>
 *   <li>a request to a pool with TLS on goes through that pool's TLS client (its trust, client certificate and
 *       server name), not the one gateway-wide setting. Same connection pool, so warm connections are the ones
 *       requests use;</li>
 *   <li>the headers filters that only copy every request's headers for nothing are left out: Spring Cloud
 *       Gateway's forwarding-header filters ({@link ForwardedHeadersFilter} drops and rewrites every one of
 *       those headers), and its gRPC request filter, which copies all headers to add {@code te: trailers} to
 *       gRPC calls; {@link GrpcTrailers} does that for gRPC calls only. Its hop-by-hop filter, which copies
 *       every header each way, becomes {@link HopByHopHeaders}, working on the one {@link OutgoingHeaders}
 *       copy.</li>
 *   <li>the backend connection reaches the response writer only as a {@link LoopBoundConnection} (see
 *       {@link LoopBoundConnectionExchange}), so that a client going away never closes the connection after the
 *       pool has lent it to the next request;</li>
 *   <li>the gateway-wide response timeout ({@code httpclient.response-timeout}: the longest wait from sending a
 *       request until the backend's response headers) is timed by the client connection's event loop
 *       ({@link EventLoopDelay}), not by Reactor's parallel scheduler. A route's own {@code response-timeout}
 *       metadata is still timed by Spring Cloud Gateway, the same span.</li>
 * </ul>
 */
final class UpstreamNettyRoutingFilter extends NettyRoutingFilter {

    private final HttpClientProperties properties;
    private volatile List<HttpHeadersFilter> headersFilters;

    UpstreamNettyRoutingFilter(HttpClient httpClient, ObjectProvider<List<HttpHeadersFilter>> headersFilters,
                               HttpClientProperties properties) {
        super(httpClient, headersFilters, new RouteResponseTimeoutsOnly(properties));
        this.properties = properties;
    }

    @Override
    public List<HttpHeadersFilter> getHeadersFilters() {
        List<HttpHeadersFilter> filters = headersFilters;
        if (filters == null) {
            filters = trimmed(super.getHeadersFilters());
            headersFilters = filters;
        }
        return filters;
    }

    static List<HttpHeadersFilter> trimmed(List<HttpHeadersFilter> filters) {
        if (filters == null) {
            return null;
        }
        List<HttpHeadersFilter> kept = new ArrayList<>(filters.size());
        for (HttpHeadersFilter filter : filters) {
            if (filter instanceof RemoveForwardedHeadersFilter || filter instanceof RemoveXForwardedHeadersFilter
                    || filter instanceof XForwardedHeadersFilter
                    || filter instanceof org.springframework.cloud.gateway.filter.headers.ForwardedHeadersFilter) {
                continue;
            }
            if (filter instanceof RemoveHopByHopHeadersFilter hopByHop) {
                kept.add(new HopByHopHeaders(hopByHop));
            } else {
                kept.add(filter instanceof GRPCRequestHeadersFilter ? new GrpcTrailers() : filter);
            }
        }
        return List.copyOf(kept);
    }

    /**
     * The backend connection is stored for the response writer as a {@link LoopBoundConnection}, and the
     * gateway-wide response timeout runs from here until the response headers have arrived, as Spring Cloud
     * Gateway's own does.
     */
    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Duration timeout = gatewayWideResponseTimeout(exchange);
        Mono<Void> proxied = super.filter(new LoopBoundConnectionExchange(exchange), chain);
        if (timeout == null) {
            return proxied;
        }
        EventLoop loop = EventLoopReturn.eventLoop(exchange);
        Mono<Long> timer = loop != null ? EventLoopDelay.of(timeout, loop) : Mono.delay(timeout);
        return proxied
                .timeout(timer, Mono.error(() -> new TimeoutException("Response took longer than timeout: " + timeout)))
                .onErrorMap(TimeoutException.class,
                        e -> new ResponseStatusException(HttpStatus.GATEWAY_TIMEOUT, e.getMessage(), e));
    }

    /** The response timeout this filter times: none when the exchange is not proxied here or its route sets one. */
    private Duration gatewayWideResponseTimeout(ServerWebExchange exchange) {
        URI url = exchange.getAttribute(GATEWAY_REQUEST_URL_ATTR);
        Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
        if (url == null || route == null || isAlreadyRouted(exchange)
                || !("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
                || route.getMetadata().containsKey(RESPONSE_TIMEOUT_ATTR)) {
            return null;
        }
        return properties.getResponseTimeout();
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

    /**
     * The settings Spring Cloud Gateway's filter reads, as configured but without the gateway-wide response
     * timeout, which this filter times itself. Read through, so that a changed setting takes effect.
     */
    static final class RouteResponseTimeoutsOnly extends HttpClientProperties {

        private final HttpClientProperties configured;

        RouteResponseTimeoutsOnly(HttpClientProperties configured) {
            this.configured = configured;
        }

        @Override
        public Integer getConnectTimeout() {
            return configured.getConnectTimeout();
        }

        @Override
        public Duration getResponseTimeout() {
            return null;
        }
    }

    /** {@code te: trailers} toward the backend on a gRPC call, which needs trailers; other requests untouched. */
    static final class GrpcTrailers implements HttpHeadersFilter {

        @Override
        public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
            String contentType = input.getFirst(HttpHeaders.CONTENT_TYPE);
            if (contentType == null || !contentType.startsWith("application/grpc")) {
                return input;
            }
            HttpHeaders headers = OutgoingHeaders.of(input);
            headers.add("te", "trailers");
            return headers;
        }
    }
}
