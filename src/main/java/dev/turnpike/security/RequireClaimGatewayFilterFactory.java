package dev.turnpike.security;

import java.util.Collection;
import java.util.List;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpStatus;

/**
 * {@code RequireClaim=tenant,acme}, after {@code Authenticate}: the caller's token must carry the
 * claim with this value (or, for a list claim, among its values), else 403.
 */
public class RequireClaimGatewayFilterFactory extends AbstractGatewayFilterFactory<RequireClaimGatewayFilterFactory.Config> {

    public static class Config {

        private String claim;
        private String value;

        public String getClaim() {
            return claim;
        }

        public void setClaim(String claim) {
            this.claim = claim;
        }

        public String getValue() {
            return value;
        }

        public void setValue(String value) {
            this.value = value;
        }
    }

    private final SecurityRejections rejections;

    public RequireClaimGatewayFilterFactory(SecurityRejections rejections) {
        super(Config.class);
        this.rejections = rejections;
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("claim", "value");
    }

    @Override
    public GatewayFilter apply(Config config) {
        String claim = config.getClaim();
        String expected = config.getValue();
        return GuardOrder.guard((exchange, chain) -> {
            Identity identity = exchange.getAttribute(AuthenticateGatewayFilterFactory.IDENTITY_ATTRIBUTE);
            if (identity == null) {
                return rejections.refuse(exchange, HttpStatus.UNAUTHORIZED, "missing-credentials", "credentials required");
            }
            Object actual = identity.claims().get(claim);
            boolean matches = actual instanceof Collection<?> values
                    ? values.stream().anyMatch(v -> expected.equals(String.valueOf(v)))
                    : actual != null && expected.equals(String.valueOf(actual));
            return matches ? chain.filter(exchange)
                    : rejections.refuse(exchange, HttpStatus.FORBIDDEN, "claim-mismatch", "claim " + claim + " does not allow this");
        });
    }
}
