package dev.turnpike.security;

import java.util.ArrayList;
import java.util.List;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code Authenticate=<name>[,<name>…]}: the caller must satisfy one of the named authenticators,
 * tried in order ({@code Authenticate=main,partners}). The backend then receives the identity
 * headers ({@link IdentityHeadersFilter}), and later filters of the route ({@code RequireScopes}, {@code RequireClaim}) find the
 * {@link Identity} in the exchange. No credential, or a wrong one: 401 with one
 * {@code WWW-Authenticate} challenge per authenticator. A caller on the blocked-user list: 403.
 */
public class AuthenticateGatewayFilterFactory extends AbstractGatewayFilterFactory<AuthenticateGatewayFilterFactory.Config> {

    public static class Config {

        private List<String> authenticators = new ArrayList<>();

        public List<String> getAuthenticators() {
            return authenticators;
        }

        public void setAuthenticators(List<String> authenticators) {
            this.authenticators = authenticators;
        }
    }

    private volatile Authenticators authenticators;
    private volatile SecuritySettings settings;
    private final SecurityRejections rejections;

    public AuthenticateGatewayFilterFactory(Authenticators authenticators, SecuritySettings settings,
                                            SecurityRejections rejections) {
        super(Config.class);
        this.authenticators = authenticators;
        this.settings = settings;
        this.rejections = rejections;
    }

    /** For routes built from now on (a reload rebuilds every route after calling this). */
    public void use(Authenticators authenticators, SecuritySettings settings) {
        this.authenticators = authenticators;
        this.settings = settings;
    }

    /** A factory with other authenticators, to check new routes against before they are used. */
    public AuthenticateGatewayFilterFactory with(Authenticators authenticators, SecuritySettings settings) {
        return new AuthenticateGatewayFilterFactory(authenticators, settings, rejections);
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("authenticators");
    }

    @Override
    public ShortcutType shortcutType() {
        return ShortcutType.GATHER_LIST;
    }

    @Override
    public GatewayFilter apply(Config config) {
        Authenticators authenticators = this.authenticators;
        SecuritySettings settings = this.settings;
        List<Authenticator> chosen = new ArrayList<>();
        for (String name : config.getAuthenticators()) {
            for (String each : name.split(",")) {
                Authenticator authenticator = authenticators.get(each.trim());
                if (authenticator == null) {
                    throw new IllegalArgumentException("Authenticate names no authenticator '" + each.trim()
                            + "'; configured: " + authenticators.names());
                }
                chosen.add(authenticator);
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("Authenticate needs at least one authenticator name");
        }
        return GuardOrder.guard((exchange, chain) -> {
            List<Verdict> seen = new ArrayList<>(chosen.size());
            return EventLoopReturn.of(authenticate(exchange.getRequest(), chosen, 0, seen), exchange).flatMap(result -> {
                    if (!(result instanceof Verdict.Accepted accepted)) {
                        return unauthenticated(exchange, chosen, seen, result);
                    }
                    Identity identity = accepted.identity();
                    if (settings.blockedUsers().contains(identity.subject())) {
                        return rejections.refuse(exchange, HttpStatus.FORBIDDEN, "blocked-user", "this caller is blocked");
                    }
                    Authenticator authenticator = authenticators.get(identity.authenticator());
                    ServerHttpRequest request = authenticator.withoutCredentialInUri(exchange.getRequest());
                    ServerWebExchange authenticated = request == exchange.getRequest() ? exchange
                            : exchange.mutate().request(request).build();
                    authenticated.getAttributes().put(IDENTITY_ATTRIBUTE, identity);
                    authenticated.getAttributes().put(AUTHENTICATOR_ATTRIBUTE, authenticator);
                    return chain.filter(authenticated);
                });
        });
    }

    /** The exchange attribute that holds the caller's {@link Identity} once authenticated. */
    public static final String IDENTITY_ATTRIBUTE = "turnpike.identity";

    /**
     * The exchange attribute that holds the {@link Authenticator} that accepted the caller, so that its credential
     * is removed toward the backend even if a reload has replaced the authenticators since.
     */
    public static final String AUTHENTICATOR_ATTRIBUTE = "turnpike.authenticator";

    /** Tries the authenticators in order; the first acceptance wins, else the most telling refusal. */
    private static Mono<Verdict> authenticate(ServerHttpRequest request, List<Authenticator> chosen, int index,
                                              List<Verdict> seen) {
        if (index == chosen.size()) {
            return Mono.just(seen.stream().filter(v -> v instanceof Verdict.Unavailable).findFirst()
                    .orElse(seen.stream().filter(v -> v instanceof Verdict.Invalid).findFirst().orElse(Verdict.ABSENT)));
        }
        return chosen.get(index).authenticate(request).flatMap(verdict -> {
            if (verdict instanceof Verdict.Accepted) {
                return Mono.just(verdict);
            }
            seen.add(verdict);
            return authenticate(request, chosen, index + 1, seen);
        });
    }

    private Mono<Void> unauthenticated(ServerWebExchange exchange, List<Authenticator> chosen, List<Verdict> seen,
                                       Verdict verdict) {
        if (verdict instanceof Verdict.Unavailable unavailable) {
            return rejections.refuse(exchange, HttpStatus.SERVICE_UNAVAILABLE, "authentication-unavailable", unavailable.error());
        }
        HttpHeaders challenges = new HttpHeaders();
        for (int i = 0; i < chosen.size(); i++) {
            challenges.add(HttpHeaders.WWW_AUTHENTICATE, chosen.get(i).challenge(seen.get(i)));
        }
        String reason = verdict instanceof Verdict.Invalid ? "invalid-credentials" : "missing-credentials";
        String message = verdict instanceof Verdict.Invalid invalid ? invalid.error() : "credentials required";
        return rejections.refuse(exchange, HttpStatus.UNAUTHORIZED, reason, message, challenges);
    }
}
