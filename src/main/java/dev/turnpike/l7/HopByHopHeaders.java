package dev.turnpike.l7;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring Cloud Gateway's hop-by-hop header removal, with the same configured names and order, done on the
 * {@link OutgoingHeaders} the other filters share instead of on a fresh copy of every header each way.
 * The headers a {@code Connection} header names are removed too.
 */
final class HopByHopHeaders implements HttpHeadersFilter, Ordered {

    private final RemoveHopByHopHeadersFilter configured;

    HopByHopHeaders(RemoveHopByHopHeadersFilter configured) {
        this.configured = configured;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        OutgoingHeaders headers = OutgoingHeaders.of(input);
        for (String option : headers.getConnection()) {
            headers.remove(option.trim());
        }
        for (String name : configured.getHeaders()) {
            headers.remove(name);
        }
        return headers;
    }

    @Override
    public boolean supports(Type type) {
        return configured.supports(type);
    }

    @Override
    public int getOrder() {
        return configured.getOrder();
    }
}
