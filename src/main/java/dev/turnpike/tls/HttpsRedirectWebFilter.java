package dev.turnpike.tls;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** {@code turnpike.tls.redirect-http}: every plain-HTTP request is redirected, whether a route matches or not. */
public final class HttpsRedirectWebFilter implements WebFilter, Ordered {

    /** Spring's filter chain names every filter per request (a Reactor checkpoint): a constant costs nothing. */
    @Override
    public String toString() {
        return "HttpsRedirectWebFilter";
    }

    private final HttpsRedirect redirect;

    public HttpsRedirectWebFilter(HttpsRedirect redirect) {
        this.redirect = redirect;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return redirect.applies(exchange.getRequest()) ? redirect.redirect(exchange) : chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }
}
