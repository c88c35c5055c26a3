package dev.turnpike.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.JwsAlgorithm;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Bearer JWTs, checked by Spring Security's Nimbus-based reactive decoder: the signature against
 * a shared secret, a public key or the issuer's JWKS (fetched with a non-blocking client, cached,
 * fetched again when a token names an unknown key id), then {@code exp} (required), {@code nbf},
 * {@code iss} and {@code aud}.
 */
final class JwtAuthenticator implements Authenticator {

    private static final List<SignatureAlgorithm> ASYMMETRIC = List.of(
            SignatureAlgorithm.RS256, SignatureAlgorithm.RS384, SignatureAlgorithm.RS512,
            SignatureAlgorithm.PS256, SignatureAlgorithm.PS384, SignatureAlgorithm.PS512,
            SignatureAlgorithm.ES256, SignatureAlgorithm.ES384, SignatureAlgorithm.ES512);

    /** A token whose signature and claims checked out, with the verdict handed out while it stays in time. */
    private record Verified(Jwt jwt, Verdict accepted) {
    }

    private final String name;
    private final SecuritySettings.Jwt settings;
    private final ReactiveJwtDecoder decoder;
    private final Cache<String, Verified> verified = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(5))
            .build();

    JwtAuthenticator(String name, SecuritySettings.Jwt settings) {
        this.name = name;
        this.settings = settings;
        NimbusReactiveJwtDecoder nimbus = decoder(settings);
        nimbus.setJwtValidator(validator(settings));
        this.decoder = nimbus;
    }

    private static NimbusReactiveJwtDecoder decoder(SecuritySettings.Jwt settings) {
        int sources = (settings.secret() != null ? 1 : 0) + (settings.publicKey() != null ? 1 : 0)
                + (settings.jwksUri() != null ? 1 : 0);
        if (sources != 1) {
            throw new IllegalArgumentException("set exactly one of secret, public-key and jwks-uri");
        }
        if (settings.jwksUri() != null) {
            List<JwsAlgorithm> algorithms = algorithms(settings, ASYMMETRIC);
            return NimbusReactiveJwtDecoder.withJwkSetUri(settings.jwksUri().toString())
                    .jwsAlgorithms(set -> {
                        set.clear();
                        algorithms.forEach(a -> set.add((SignatureAlgorithm) a));
                    })
                    .validateType(false)
                    .build();
        }
        JWK key;
        List<JwsAlgorithm> algorithms;
        if (settings.secret() != null) {
            byte[] secret = settings.secret().getBytes(StandardCharsets.UTF_8);
            if (secret.length < 32) {
                throw new IllegalArgumentException("secret must be at least 32 bytes (256 bits) for HS256");
            }
            key = new OctetSequenceKey.Builder(secret).build();
            List<JwsAlgorithm> fitting = new ArrayList<>(List.of(MacAlgorithm.HS256));
            if (secret.length >= 48) {
                fitting.add(MacAlgorithm.HS384);
            }
            if (secret.length >= 64) {
                fitting.add(MacAlgorithm.HS512);
            }
            algorithms = algorithms(settings, fitting);
        } else {
            key = parsePublicKey(settings.publicKey());
            algorithms = algorithms(settings, fittingPublicKey(key));
        }
        Set<JWSAlgorithm> accepted = new LinkedHashSet<>();
        algorithms.forEach(a -> accepted.add(JWSAlgorithm.parse(a.getName())));
        List<java.security.Key> verificationKey = List.of(verificationKey(key));
        // one configured key verifies every token, whatever key id the token names
        return NimbusReactiveJwtDecoder.withJwkSource(jwt -> Flux.just(key))
                .validateType(false)
                .jwtProcessorCustomizer(processor -> processor.setJWSKeySelector(
                        (header, context) -> accepted.contains(header.getAlgorithm()) ? verificationKey : List.of()))
                .build();
    }

    private static java.security.Key verificationKey(JWK key) {
        try {
            if (key instanceof OctetSequenceKey secret) {
                return secret.toSecretKey();
            }
            return key instanceof RSAKey rsa ? rsa.toRSAPublicKey() : ((ECKey) key).toECPublicKey();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable key: " + e.getMessage());
        }
    }

    private static JWK parsePublicKey(String pem) {
        try {
            JWK key = JWK.parseFromPEMEncodedObjects(pem);
            if (key.isPrivate()) {
                throw new IllegalArgumentException("public-key holds a private key; give the public key only");
            }
            return key;
        } catch (JOSEException e) {
            throw new IllegalArgumentException("public-key is not a PEM RSA or EC public key: " + e.getMessage());
        }
    }

    private static List<JwsAlgorithm> fittingPublicKey(JWK key) {
        if (key instanceof RSAKey) {
            return ASYMMETRIC.stream().filter(a -> !a.getName().startsWith("ES")).map(a -> (JwsAlgorithm) a).toList();
        }
        Curve curve = ((ECKey) key).getCurve();
        SignatureAlgorithm algorithm = Curve.P_256.equals(curve) ? SignatureAlgorithm.ES256
                : Curve.P_384.equals(curve) ? SignatureAlgorithm.ES384 : SignatureAlgorithm.ES512;
        return List.of(algorithm);
    }

    /** The configured algorithms, each of which must fit the key; all that fit when none are configured. */
    private static List<JwsAlgorithm> algorithms(SecuritySettings.Jwt settings, Collection<? extends JwsAlgorithm> fitting) {
        if (settings.algorithms().isEmpty()) {
            return List.copyOf(fitting);
        }
        List<JwsAlgorithm> chosen = new ArrayList<>();
        for (String name : settings.algorithms()) {
            JwsAlgorithm algorithm = fitting.stream().filter(a -> a.getName().equalsIgnoreCase(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("algorithm " + name + " does not fit the key; it takes "
                            + fitting.stream().map(JwsAlgorithm::getName).toList()));
            chosen.add(algorithm);
        }
        return chosen;
    }

    private static OAuth2TokenValidator<Jwt> validator(SecuritySettings.Jwt settings) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(new JwtClaimValidator<Object>(JwtClaimNames.EXP, exp -> exp != null));
        validators.add(new JwtTimestampValidator(settings.clockSkew()));
        if (settings.issuer() != null) {
            validators.add(new JwtIssuerValidator(settings.issuer()));
        }
        if (!settings.audiences().isEmpty()) {
            validators.add(new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                    aud -> aud != null && aud.stream().anyMatch(settings.audiences()::contains)));
        }
        return new DelegatingOAuth2TokenValidator<>(validators);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Mono<Verdict> authenticate(ServerHttpRequest request) {
        String token = Authenticator.authorization(request, "Bearer");
        if (token == null) {
            return Mono.just(Verdict.ABSENT);
        }
        Verified known = verified.getIfPresent(token);
        if (known != null) {
            if (inTime(known.jwt())) {
                return Mono.just(known.accepted());
            }
            verified.invalidate(token);
        }
        return decoder.decode(token)
                .<Verdict>map(jwt -> {
                    Verdict accepted = new Verdict.Accepted(new Identity(name, jwt.getSubject(), scopes(jwt), jwt.getClaims()));
                    verified.put(token, new Verified(jwt, accepted));
                    return accepted;
                })
                .onErrorResume(BadJwtException.class, e -> Mono.just(new Verdict.Invalid(describe(e))))
                .onErrorResume(JwtException.class, e -> Mono.just(new Verdict.Unavailable("signing keys unavailable")));
    }

    /**
     * A token verified earlier is accepted again without parsing or verifying it while its
     * {@code exp} and {@code nbf} still allow it; signature, issuer and audience cannot change.
     */
    private boolean inTime(Jwt jwt) {
        Instant now = Instant.now();
        Duration skew = settings.clockSkew();
        return jwt.getExpiresAt() != null && now.isBefore(jwt.getExpiresAt().plus(skew))
                && (jwt.getNotBefore() == null || !now.isBefore(jwt.getNotBefore().minus(skew)));
    }

    private static String describe(BadJwtException e) {
        String message = e instanceof JwtValidationException invalid && !invalid.getErrors().isEmpty()
                ? invalid.getErrors().stream().map(error -> error.getDescription() == null ? error.getErrorCode() : error.getDescription())
                        .collect(java.util.stream.Collectors.joining("; "))
                : e.getMessage() == null ? "invalid token" : e.getMessage();
        return message.length() > 200 ? message.substring(0, 200) : message;
    }

    static Set<String> scopes(Jwt jwt) {
        Set<String> scopes = new LinkedHashSet<>();
        Object scope = jwt.getClaims().get("scope");
        Object scp = jwt.getClaims().get("scp");
        for (Object claim : new Object[] {scope, scp}) {
            if (claim instanceof String text) {
                for (String s : text.trim().split("\\s+")) {
                    if (!s.isEmpty()) {
                        scopes.add(s);
                    }
                }
            } else if (claim instanceof Collection<?> list) {
                list.forEach(s -> scopes.add(String.valueOf(s)));
            }
        }
        return scopes;
    }

    @Override
    public String challenge(Verdict verdict) {
        String challenge = "Bearer realm=\"" + name + "\"";
        if (verdict instanceof Verdict.Invalid invalid) {
            challenge += ", error=\"invalid_token\", error_description=\"" + invalid.error().replace('"', '\'') + "\"";
        }
        return challenge;
    }

    @Override
    public void removeCredential(HttpHeaders headers) {
        if (settings.stripCredential()) {
            headers.remove(HttpHeaders.AUTHORIZATION);
        }
    }
}
