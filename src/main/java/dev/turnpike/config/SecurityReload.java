package dev.turnpike.config;

import dev.turnpike.InvalidConfigurationException;
import dev.turnpike.config.live.Reconfigurable;
import dev.turnpike.security.AuthenticateGatewayFilterFactory;
import dev.turnpike.security.Authenticators;
import dev.turnpike.security.GatewayPolicyFilter;
import dev.turnpike.security.IdentityHeadersFilter;
import dev.turnpike.security.SecuritySettings;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.route.RouteDefinition;
import reactor.core.publisher.Mono;

/**
 * New {@code turnpike.security} settings on a reload: the authenticators are built anew (a new JWT key
 * source, new API keys and users), and the gateway-wide rules and identity headers follow. Authenticators
 * that are replaced are closed a minute later, once requests that started with them are long done.
 */
final class SecurityReload implements Reconfigurable, DisposableBean {

    private static final Duration RETIRE_AFTER = Duration.ofMinutes(1);

    private final AuthenticateGatewayFilterFactory authenticate;
    private final GatewayPolicyFilter policy;
    private final IdentityHeadersFilter identity;
    private final Authenticators original;
    private SecuritySettings settings;
    private Authenticators authenticators;

    SecurityReload(SecuritySettings settings, Authenticators authenticators, AuthenticateGatewayFilterFactory authenticate,
                   GatewayPolicyFilter policy, IdentityHeadersFilter identity) {
        this.settings = settings;
        this.authenticators = authenticators;
        this.original = authenticators;
        this.authenticate = authenticate;
        this.policy = policy;
        this.identity = identity;
    }

    @Override
    public synchronized Prepared prepare(dev.turnpike.config.TurnpikeProperties next, List<RouteDefinition> routes) {
        SecuritySettings wanted = next.security();
        if (wanted.equals(settings)) {
            RouteFilterCheck.checkAuthenticators(routes, authenticators.names());
            return Reconfigurable.committing(() -> { });
        }
        Authenticators built = new Authenticators(wanted);
        try {
            RouteFilterCheck.checkAuthenticators(routes, built.names());
            GatewayPolicyFilter.Rules policyRules = rules("turnpike.security.headers", () -> GatewayPolicyFilter.Rules.of(wanted));
            IdentityHeadersFilter.Rules identityRules = rules("turnpike.security.headers.strip",
                    () -> IdentityHeadersFilter.Rules.of(wanted, built));
            AuthenticateGatewayFilterFactory candidate = authenticate.with(built, wanted);
            return new Prepared() {
                @Override
                public List<GatewayFilterFactory<?>> filterFactories() {
                    return List.of(candidate);
                }

                @Override
                public void commit() {
                    swap(wanted, built, policyRules, identityRules);
                }

                @Override
                public void abort() {
                    built.close();
                }
            };
        } catch (RuntimeException e) {
            built.close();
            throw e;
        }
    }

    private synchronized void swap(SecuritySettings wanted, Authenticators built, GatewayPolicyFilter.Rules policyRules,
                                   IdentityHeadersFilter.Rules identityRules) {
        Authenticators retired = authenticators;
        authenticate.use(built, wanted);
        policy.use(policyRules);
        identity.use(identityRules);
        settings = wanted;
        authenticators = built;
        if (retired != original) { // the original is the bean's, closed with the context
            Mono.delay(RETIRE_AFTER).subscribe(tick -> retired.close());
        }
    }

    private static <T> T rules(String key, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(key, e.getMessage());
        }
    }

    @Override
    public synchronized void destroy() {
        if (authenticators != original) {
            authenticators.close();
        }
    }
}
