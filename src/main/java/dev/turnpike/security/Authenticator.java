package dev.turnpike.security;

import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;

/** One named way to establish who a caller is. */
public interface Authenticator {

    String name();

    /** Never blocks the calling thread; slow work (password hashing, key fetching) runs elsewhere. */
    Mono<Verdict> authenticate(ServerHttpRequest request);

    /** The {@code WWW-Authenticate} challenge for a request this authenticator turned down. */
    String challenge(Verdict verdict);

    /** The request as forwarded after this authenticator accepted it: without its credential, if so configured. */
    ServerHttpRequest.Builder withoutCredential(ServerHttpRequest request, ServerHttpRequest.Builder builder);
}
