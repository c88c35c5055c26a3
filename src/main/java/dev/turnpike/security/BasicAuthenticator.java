package dev.turnpike.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * HTTP Basic against BCrypt hashes. BCrypt is slow on purpose, so it runs on a bounded worker
 * pool, never an event loop; a credential that verified is remembered (by its SHA-256, never in
 * clear) for a few minutes so that a client sending it on every request costs one hash, not one
 * BCrypt. An unknown user costs a BCrypt too, so response times do not tell which users exist.
 */
final class BasicAuthenticator implements Authenticator {

    private static final String DUMMY_HASH = new BCryptPasswordEncoder().encode("turnpike-unknown-user");

    private final String name;
    private final SecuritySettings.Basic settings;
    private final Map<String, String> hashes;
    private final BCryptPasswordEncoder encoder = new BCryptPasswordEncoder();
    private final Scheduler hashing;
    private final Cache<String, Boolean> verified = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(5))
            .build();

    BasicAuthenticator(String name, SecuritySettings.Basic settings, Scheduler hashing) {
        this.name = name;
        this.settings = settings;
        this.hashing = hashing;
        this.hashes = settings.users().stream().collect(Collectors.toMap(SecuritySettings.Basic.User::name,
                u -> u.password().substring("{bcrypt}".length()), (a, b) -> b));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Mono<Verdict> authenticate(ServerHttpRequest request) {
        String credentials = Authenticator.authorization(request, "Basic");
        if (credentials == null) {
            return Mono.just(Verdict.ABSENT);
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Mono.just(new Verdict.Invalid("malformed Basic credentials"));
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Mono.just(new Verdict.Invalid("malformed Basic credentials"));
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        Verdict accepted = new Verdict.Accepted(new Identity(name, user, Set.of(), Map.of()));
        Verdict rejected = new Verdict.Invalid("wrong user name or password");
        String cacheKey = HexFormat.of().formatHex(Sha256.of(user + '\0' + password));
        if (verified.getIfPresent(cacheKey) != null) {
            return Mono.just(accepted);
        }
        String hash = hashes.get(user);
        return Mono.fromCallable(() -> encoder.matches(password, hash != null ? hash : DUMMY_HASH) && hash != null)
                .subscribeOn(hashing)
                .map(ok -> {
                    if (ok) {
                        verified.put(cacheKey, Boolean.TRUE);
                    }
                    return ok ? accepted : rejected;
                });
    }

    @Override
    public String challenge(Verdict verdict) {
        return "Basic realm=\"" + settings.realm() + "\", charset=\"UTF-8\"";
    }

    @Override
    public void removeCredential(HttpHeaders headers) {
        if (settings.stripCredential()) {
            headers.remove(HttpHeaders.AUTHORIZATION);
        }
    }
}
