package dev.turnpike.l7;

import dev.turnpike.upstream.Server;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ORIGINAL_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * Turns every failure into an honest status with a short JSON body and no stack trace: no server
 * available 503, connection refused or cut 502, backend timeout 504. Each upstream failure is one
 * log line naming the route, the upstream and the server.
 */
@Order(-2)
final class GatewayErrorHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(GatewayErrorHandler.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(error);
        }
        if (clientWentAway(error)) {
            log.debug("{} {}: the client went away before the answer ({})", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(), describe(error));
            return Mono.empty();
        }
        Failure failure = classify(error);
        if (failure.status().is5xxServerError()) {
            logFailure(exchange, failure, error);
        }
        String body = "{\"status\":" + failure.status().value() + ",\"error\":\""
                + failure.status().getReasonPhrase() + "\",\"message\":\"" + failure.message() + "\"}\n";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(failure.status());
        response.getHeaders().clear();
        String requestId = exchange.getAttribute(ExchangeAttributes.REQUEST_ID);
        if (requestId != null) {
            response.getHeaders().set(RequestIds.REQUEST_ID, requestId);
        }
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setContentLength(bytes.length);
        response.getHeaders().setCacheControl("no-store");
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(bytes)));
    }

    /** The client closed its connection or reset its HTTP/2 stream: there is no one to answer. */
    static boolean clientWentAway(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AbortedException) {
                return true;
            }
        }
        return false;
    }

    static Failure classify(Throwable error) {
        if (error instanceof NotFoundException notFound && notFound.getStatusCode().value() == 503) {
            return new Failure(HttpStatus.SERVICE_UNAVAILABLE, "no server available");
        }
        if (error instanceof ResponseStatusException rse) {
            HttpStatus status = HttpStatus.resolve(rse.getStatusCode().value());
            if (status == HttpStatus.GATEWAY_TIMEOUT) {
                return new Failure(status, "upstream timed out");
            }
            if (status != null) {
                return new Failure(status, status.getReasonPhrase().toLowerCase(java.util.Locale.ROOT));
            }
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectTimeoutException || t instanceof TimeoutException) {
                return new Failure(HttpStatus.GATEWAY_TIMEOUT, "upstream timed out");
            }
            if (t instanceof ConnectException) {
                return new Failure(HttpStatus.BAD_GATEWAY, "upstream refused the connection");
            }
            if (t instanceof PrematureCloseException) {
                return new Failure(HttpStatus.BAD_GATEWAY, "upstream closed the connection");
            }
            if (t instanceof IOException) {
                return new Failure(HttpStatus.BAD_GATEWAY, "upstream connection failed");
            }
        }
        return new Failure(HttpStatus.INTERNAL_SERVER_ERROR, "internal error");
    }

    private static void logFailure(ServerWebExchange exchange, Failure failure, Throwable error) {
        Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
        List<Server> tried = exchange.getAttribute(ExchangeAttributes.TRIED_SERVERS);
        java.util.Set<URI> original = exchange.getAttribute(GATEWAY_ORIGINAL_REQUEST_URL_ATTR);
        String upstream = original == null || original.isEmpty() ? "-" : original.iterator().next().getHost();
        String servers = tried == null || tried.isEmpty() ? "-"
                : String.join(",", tried.stream().map(s -> s.address().toString()).toList());
        if (failure.status() == HttpStatus.INTERNAL_SERVER_ERROR) {
            log.error("route={} upstream={} servers={} status={} {} {}", route == null ? "-" : route.getId(),
                    upstream, servers, failure.status().value(), exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(), error);
        } else {
            log.warn("route={} upstream={} servers={} status={} {}: {}", route == null ? "-" : route.getId(),
                    upstream, servers, failure.status().value(), failure.message(), describe(error));
        }
    }

    private static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }

    record Failure(HttpStatus status, String message) {
    }
}
