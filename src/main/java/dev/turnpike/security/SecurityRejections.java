package dev.turnpike.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Ends an exchange with a refusal, the same way for every policy: the status, a one-line
 * plain-text reason, and one count in {@code turnpike.security.rejections{route, reason}}.
 */
public final class SecurityRejections {

    private record Key(String route, String reason) {
    }

    private final MeterRegistry registry;
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();

    public SecurityRejections(MeterRegistry registry) {
        this.registry = registry;
    }

    public Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status, String reason, String message) {
        return refuse(exchange, status, reason, message, HttpHeaders.EMPTY);
    }

    public Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status, String reason, String message, HttpHeaders headers) {
        count(routeId(exchange), reason);
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().addAll(headers);
        response.getHeaders().setContentType(new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8));
        byte[] body = (status.value() + " " + status.getReasonPhrase() + ": " + message + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    public void count(String route, String reason) {
        counters.computeIfAbsent(new Key(route, reason), k -> Counter.builder("turnpike.security.rejections")
                .description("Requests refused by a security policy, by route and reason")
                .tag("route", k.route())
                .tag("reason", k.reason())
                .register(registry)).increment();
    }

    /** The id of the route the exchange matched, or {@code none}. */
    public static String routeId(ServerWebExchange exchange) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        return route == null ? "none" : route.getId();
    }
}
