package dev.turnpike.tls;

import java.net.URI;
import java.net.InetSocketAddress;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Sends a plain-HTTP request to the same host and target on the HTTPS port: 301 for GET and HEAD,
 * 308 for other methods (which keeps the method and body). ACME HTTP-01 challenges stay on plain
 * HTTP, as certificate authorities require. A request that a trusted proxy received over HTTPS
 * (it says so in {@code X-Forwarded-Proto}) is already secure and passes.
 */
public final class HttpsRedirect {

    private static final String ACME_CHALLENGE = "/.well-known/acme-challenge/";

    private final IntSupplier httpsPort;
    private final Predicate<InetSocketAddress> trustedProxy;

    /**
     * @param httpsPort the port written into redirects, looked up per redirect (the listener may bind port 0)
     * @param trustedProxy whether a peer is a proxy whose {@code X-Forwarded-Proto} is believed
     */
    public HttpsRedirect(IntSupplier httpsPort, Predicate<InetSocketAddress> trustedProxy) {
        this.httpsPort = httpsPort;
        this.trustedProxy = trustedProxy;
    }

    public boolean applies(ServerHttpRequest request) {
        return request.getSslInfo() == null && !request.getPath().value().startsWith(ACME_CHALLENGE)
                && !securedByTrustedProxy(request);
    }

    private boolean securedByTrustedProxy(ServerHttpRequest request) {
        String proto = request.getHeaders().getFirst("X-Forwarded-Proto");
        return proto != null && "https".equalsIgnoreCase(proto.split(",", 2)[0].trim())
                && request.getRemoteAddress() != null && trustedProxy.test(request.getRemoteAddress());
    }

    public Mono<Void> redirect(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        ServerHttpResponse response = exchange.getResponse();
        HttpMethod method = request.getMethod();
        response.setStatusCode(method == HttpMethod.GET || method == HttpMethod.HEAD
                ? HttpStatus.MOVED_PERMANENTLY : HttpStatus.PERMANENT_REDIRECT);
        response.getHeaders().set(HttpHeaders.LOCATION, location(request));
        response.getHeaders().setContentLength(0);
        return response.setComplete();
    }

    String location(ServerHttpRequest request) {
        URI uri = request.getURI();
        StringBuilder location = new StringBuilder("https://").append(host(request));
        int port = httpsPort.getAsInt();
        if (port != 443) {
            location.append(':').append(port);
        }
        location.append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            location.append('?').append(uri.getRawQuery());
        }
        return location.toString();
    }

    /** The Host header's name without its port; the listener's address when the request had none. */
    private static String host(ServerHttpRequest request) {
        String host = request.getHeaders().getFirst(HttpHeaders.HOST);
        if (host == null || host.isEmpty()) {
            return request.getLocalAddress() != null ? request.getLocalAddress().getHostString() : "localhost";
        }
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 ? host.substring(0, end + 1) : host;
        }
        int colon = host.indexOf(':');
        return colon >= 0 ? host.substring(0, colon) : host;
    }
}
