package dev.turnpike.l7;

import java.net.InetSocketAddress;
import java.net.URI;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * Writes {@code X-Forwarded-For/-Proto/-Host/-Port} and {@code Forwarded} on the request to the
 * backend. A trusted proxy's headers are kept and extended with this hop; anyone else's are
 * dropped and replaced, so a client cannot forge its address. Runs after every other headers filter.
 */
final class ForwardedHeadersFilter implements HttpHeadersFilter, Ordered {

    private static final String X_FORWARDED_FOR = "X-Forwarded-For";
    private static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
    private static final String X_FORWARDED_HOST = "X-Forwarded-Host";
    private static final String X_FORWARDED_PORT = "X-Forwarded-Port";
    private static final String FORWARDED = "Forwarded";

    /** RFC 7230 tchar, besides letters and digits. */
    private static final String TOKEN_SYMBOLS = "!#$%&'*+.^_`|~-";

    private final TrustedProxies trustedProxies;

    ForwardedHeadersFilter(TrustedProxies trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        InetSocketAddress peer = request.getRemoteAddress();
        boolean trusted = trustedProxies.isTrusted(peer);
        HttpHeaders original = request.getHeaders();

        OutgoingHeaders headers = OutgoingHeaders.of(input);
        headers.removeNames(ForwardedHeadersFilter::isForwardingHeader);

        String peerAddress = TrustedProxies.peerAddress(peer);
        URI uri = request.getURI();
        String proto = uri.getScheme() == null ? "http" : uri.getScheme();
        String host = original.getFirst(HttpHeaders.HOST);
        InetSocketAddress local = request.getLocalAddress();
        String port = local != null ? Integer.toString(local.getPort()) : Integer.toString(uri.getPort());

        String forwardedFor = trusted ? joined(original, X_FORWARDED_FOR) : null;
        headers.set(X_FORWARDED_FOR, forwardedFor == null ? peerAddress : forwardedFor + ", " + peerAddress);
        headers.set(X_FORWARDED_PROTO, keptOr(trusted, original, X_FORWARDED_PROTO, proto));
        if (host != null) {
            headers.set(X_FORWARDED_HOST, keptOr(trusted, original, X_FORWARDED_HOST, host));
        }
        headers.set(X_FORWARDED_PORT, keptOr(trusted, original, X_FORWARDED_PORT, port));

        String element = "for=" + forwardedNode(peerAddress) + ";proto=" + proto
                + (host == null ? "" : ";host=" + quoted(host));
        String previous = trusted ? joined(original, FORWARDED) : null;
        headers.set(FORWARDED, previous == null ? element : previous + ", " + element);
        return headers;
    }

    private static boolean isForwardingHeader(String name) {
        return name.regionMatches(true, 0, "x-forwarded-", 0, 12) || name.equalsIgnoreCase(FORWARDED);
    }

    private static String joined(HttpHeaders headers, String name) {
        java.util.List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : String.join(", ", values);
    }

    private static String keptOr(boolean trusted, HttpHeaders original, String name, String value) {
        String kept = trusted ? original.getFirst(name) : null;
        return kept != null ? kept : value;
    }

    /** RFC 7239: an IPv6 node is bracketed and quoted. */
    private static String forwardedNode(String address) {
        return address.indexOf(':') >= 0 ? "\"[" + address + "]\"" : address;
    }

    private static String quoted(String value) {
        return isToken(value) ? value : "\"" + value.replace("\"", "") + "\"";
    }

    private static boolean isToken(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alphanumeric && TOKEN_SYMBOLS.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }
}
