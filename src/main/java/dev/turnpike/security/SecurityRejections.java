package dev.turnpike.security;

import dev.turnpike.metrics.RouteTag;
import dev.turnpike.metrics.TaggedCounters;
import io.micrometer.core.instrument.MeterRegistry;
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

    private final TaggedCounters rejections;

    public SecurityRejections(MeterRegistry registry) {
        this.rejections = new TaggedCounters(registry, "turnpike.security.rejections",
                "Requests refused by a security policy, by route and reason", "route", "reason");
    }

    public Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status, String reason, String message) {
        return refuse(exchange, status, reason, message, HttpHeaders.EMPTY);
    }

    public Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status, String reason, String message, HttpHeaders headers) {
        count(RouteTag.of(exchange), reason);
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().addAll(headers);
        response.getHeaders().setContentType(new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8));
        byte[] body = (status.value() + " " + status.getReasonPhrase() + ": " + message + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    public void count(String route, String reason) {
        rejections.increment(route, reason);
    }
}
