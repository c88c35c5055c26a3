package dev.turnpike.l7;

import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/** The headers toward the backend in a form a headers filter may change in place. */
final class WritableHeaders {

    private WritableHeaders() {
    }

    /**
     * The headers earlier filters produced are already a private copy; only the request's own (read-only)
     * headers need copying first. Removing the header the caller is about to set is the writability probe.
     */
    static HttpHeaders of(HttpHeaders input, ServerWebExchange exchange, String headerToReplace) {
        if (input != exchange.getRequest().getHeaders()) {
            try {
                input.remove(headerToReplace);
                return input;
            } catch (UnsupportedOperationException readOnly) {
                // fall through to a copy
            }
        }
        HttpHeaders copy = new HttpHeaders();
        copy.putAll(input);
        return copy;
    }
}
