package dev.turnpike.security;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;

/** One named way to establish who a caller is. */
public interface Authenticator {

    String name();

    /** Never blocks the calling thread; slow work (password hashing, key fetching) runs elsewhere. */
    Mono<Verdict> authenticate(ServerHttpRequest request);

    /** The {@code WWW-Authenticate} challenge for a request this authenticator turned down. */
    String challenge(Verdict verdict);

    /** The credential after {@code Authorization: <scheme> }, trimmed, or null when the request carries none of that scheme. */
    static String authorization(ServerHttpRequest request, String scheme) {
        String header = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        int length = scheme.length();
        if (header == null || header.length() <= length || header.charAt(length) != ' '
                || !header.regionMatches(true, 0, scheme, 0, length)) {
            return null;
        }
        return header.substring(length + 1).trim();
    }

    /** Removes this authenticator's credential from the headers sent to the backend, if so configured. */
    void removeCredential(HttpHeaders headers);

    /** The request with a credential carried in its URI removed, if so configured; the same request otherwise. */
    default ServerHttpRequest withoutCredentialInUri(ServerHttpRequest request) {
        return request;
    }
}
