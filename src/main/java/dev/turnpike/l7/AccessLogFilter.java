package dev.turnpike.l7;

import dev.turnpike.accesslog.AccessLog;
import dev.turnpike.upstream.Server;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.reactivestreams.Publisher;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * Writes the access log line of every gateway request when it ends, whether a backend answered, the
 * gateway refused it, or the client went away (status 499). Bytes are counted as they pass; a request
 * body with a Content-Length is not wrapped, its length is taken as sent.
 */
final class AccessLogFilter implements WebFilter, Ordered {

    /** Spring's filter chain names every filter per request (a Reactor checkpoint): a constant costs nothing. */
    @Override
    public String toString() {
        return "AccessLogFilter";
    }

    private static final int CLIENT_CLOSED = 499;

    private final AccessLog log;
    private final TrustedProxies trustedProxies;
    private final Predicate<ServerWebExchange> management;

    AccessLogFilter(AccessLog log, TrustedProxies trustedProxies, Predicate<ServerWebExchange> management) {
        this.log = log;
        this.trustedProxies = trustedProxies;
        this.management = management;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!log.httpEnabled() || management.test(exchange)) {
            return chain.filter(exchange);
        }
        long start = System.nanoTime();
        Instant at = Instant.now();
        ServerHttpRequest request = exchange.getRequest();
        long declaredLength = request.getHeaders().getContentLength();
        CountingRequest countingRequest = declaredLength < 0 && request.getHeaders().containsHeader(HttpHeaders.TRANSFER_ENCODING)
                ? new CountingRequest(request) : null;
        CountingResponse countingResponse = new CountingResponse(exchange.getResponse());
        ServerWebExchange.Builder mutation = exchange.mutate().response(countingResponse);
        if (countingRequest != null) {
            mutation.request(countingRequest);
        }
        ServerWebExchange counted = mutation.build();
        return ExchangeOutcome.watch(chain.filter(counted), counted, (ending, status) -> log.http(new AccessLog.HttpRequest(
                at, client(counted), request.getMethod().name(), request.getPath().value(), protocol(request),
                ending == ExchangeOutcome.Ending.CANCEL ? CLIENT_CLOSED : status,
                countingRequest != null ? countingRequest.bytes : Math.max(0, declaredLength), countingResponse.bytesSent(),
                System.nanoTime() - start, routeId(counted), upstream(counted),
                counted.getAttribute(ExchangeAttributes.REQUEST_ID))));
    }

    private String client(ServerWebExchange exchange) {
        String client = exchange.getAttribute(ExchangeAttributes.CLIENT_ADDRESS);
        if (client != null) {
            return client;
        }
        return trustedProxies.clientAddress(exchange.getRequest().getRemoteAddress(), exchange.getRequest().getHeaders());
    }

    private static String protocol(ServerHttpRequest request) {
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
        return nativeRequest instanceof HttpServerRequest netty ? netty.version().text() : "HTTP/1.1";
    }

    private static String routeId(ServerWebExchange exchange) {
        Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
        return route == null ? null : route.getId();
    }

    private static String upstream(ServerWebExchange exchange) {
        List<Server> tried = exchange.getAttribute(ExchangeAttributes.TRIED_SERVERS);
        return tried == null || tried.isEmpty() ? null : tried.get(tried.size() - 1).address().toString();
    }

    private static final class CountingResponse extends ServerHttpResponseDecorator {

        private long bytes;

        CountingResponse(ServerHttpResponse delegate) {
            super(delegate);
        }

        /** What passed through here, or else what the headers declare: an error answer is written past this wrapper. */
        long bytesSent() {
            return bytes > 0 ? bytes : Math.max(0, getDelegate().getHeaders().getContentLength());
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            return super.writeWith(Flux.from(body).doOnNext(buffer -> bytes += buffer.readableByteCount()));
        }

        @Override
        public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
            return super.writeAndFlushWith(Flux.from(body).map(chunk ->
                    Flux.from(chunk).doOnNext(buffer -> bytes += buffer.readableByteCount())));
        }
    }

    private static final class CountingRequest extends ServerHttpRequestDecorator {

        private long bytes;

        CountingRequest(ServerHttpRequest delegate) {
            super(delegate);
        }

        @Override
        public Flux<DataBuffer> getBody() {
            return super.getBody().doOnNext(buffer -> bytes += buffer.readableByteCount());
        }
    }
}
