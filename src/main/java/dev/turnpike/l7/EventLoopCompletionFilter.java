package dev.turnpike.l7;

import dev.turnpike.security.EventLoopReturn;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Outermost filter, on the traffic and the management port: whatever thread the exchange's work
 * ends on (a password hash on a worker, a reply from another connection), the end is signalled on
 * the connection's own event loop, where Reactor Netty expects it. See {@link EventLoopReturn}.
 */
final class EventLoopCompletionFilter implements WebFilter, Ordered {

    /** Spring's filter chain names every filter per request (a Reactor checkpoint): a constant costs nothing. */
    @Override
    public String toString() {
        return "EventLoopCompletionFilter";
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return EventLoopReturn.completion(chain.filter(exchange), exchange);
    }
}
