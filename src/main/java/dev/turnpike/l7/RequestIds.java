package dev.turnpike.l7;

import java.util.concurrent.ThreadLocalRandom;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every request an id: a client's {@code X-Request-Id} when it is a sane token, else a new one. The id
 * goes to the backend and back to the client, and into the access log. A valid W3C {@code traceparent}
 * passes through as it is; a request without one (or with a malformed one) starts a trace here whose
 * trace id is a fresh random id, with this hop as the parent.
 */
final class RequestIds implements WebFilter, Ordered {

    /** Spring's filter chain names every filter per request (a Reactor checkpoint): a constant costs nothing. */
    @Override
    public String toString() {
        return "RequestIds";
    }

    static final String REQUEST_ID = "X-Request-Id";
    static final String TRACEPARENT = "traceparent";
    private static final int MAX_ID_LENGTH = 128;

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        String id = headers.getFirst(REQUEST_ID);
        if (!isToken(id)) {
            id = randomHex(16);
        }
        exchange.getAttributes().put(ExchangeAttributes.REQUEST_ID, id);
        exchange.getResponse().getHeaders().set(REQUEST_ID, id);
        return chain.filter(exchange);
    }

    /**
     * The headers toward the backend: the request id, and a traceparent. Runs before the identity and
     * forwarding filters, and makes the one writable copy of the request's headers they then change in place.
     */
    static final class Outgoing implements HttpHeadersFilter, Ordered {

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE - 2;
        }

        @Override
        public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
            String id = exchange.getAttribute(ExchangeAttributes.REQUEST_ID);
            if (id == null) {
                return input;
            }
            HttpHeaders headers = OutgoingHeaders.of(input);
            headers.set(REQUEST_ID, id);
            String traceparent = exchange.getRequest().getHeaders().getFirst(TRACEPARENT);
            if (!isTraceparent(traceparent)) {
                headers.set(TRACEPARENT, "00-" + randomHex(16) + "-" + randomHex(8) + "-01");
            }
            return headers;
        }
    }

    /** 1 to 128 characters of letters, digits and {@code -_.:/+=}: safe in a header, a log line and JSON. */
    static boolean isToken(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == ':' || c == '/' || c == '+' || c == '=';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Version 00: {@code 00-<32 hex trace id, not all zero>-<16 hex parent id, not all zero>-<2 hex flags>}. */
    static boolean isTraceparent(String value) {
        if (value == null || value.length() != 55 || !value.startsWith("00-")
                || value.charAt(35) != '-' || value.charAt(52) != '-') {
            return false;
        }
        return isHex(value, 3, 35) && isHex(value, 36, 52) && isHex(value, 53, 55)
                && !isZero(value, 3, 35) && !isZero(value, 36, 52);
    }

    private static boolean isHex(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZero(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (value.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static String randomHex(int bytes) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] hex = new char[bytes * 2];
        for (int i = 0; i < hex.length; i += 16) {
            long bits = random.nextLong();
            for (int j = 0; j < 16 && i + j < hex.length; j++) {
                hex[i + j] = Character.forDigit((int) (bits >>> (60 - 4 * j)) & 0xf, 16);
            }
        }
        return new String(hex);
    }
}
