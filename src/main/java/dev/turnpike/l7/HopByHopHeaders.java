package dev.turnpike.l7;

import java.util.Set;
import java.util.TreeSet;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring Cloud Gateway's hop-by-hop header removal, with the same configured names and order, done on the
 * {@link OutgoingHeaders} the other filters share instead of on a fresh copy of every header each way.
 * The headers a {@code Connection} header names are removed too. The headers are walked once against the
 * configured names, compared without case and without making lower-case copies of either.
 */
final class HopByHopHeaders implements HttpHeadersFilter, Ordered {

    private final RemoveHopByHopHeadersFilter configured;
    private volatile Names names = new Names(Set.of());

    HopByHopHeaders(RemoveHopByHopHeadersFilter configured) {
        this.configured = configured;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        OutgoingHeaders headers = OutgoingHeaders.of(input);
        for (String option : headers.getConnection()) {
            headers.remove(option.trim());
        }
        Set<String> removed = names().caseless;
        headers.removeNames(removed::contains);
        return headers;
    }

    /** The configured names, taken again when the configuration holds another set. */
    private Names names() {
        Names current = names;
        Set<String> source = configured.getHeaders();
        if (current.source != source) {
            current = new Names(source);
            names = current;
        }
        return current;
    }

    private static final class Names {

        final Set<String> source;
        final Set<String> caseless = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

        Names(Set<String> source) {
            this.source = source;
            caseless.addAll(source);
        }
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
