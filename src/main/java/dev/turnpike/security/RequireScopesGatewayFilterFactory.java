package dev.turnpike.security;

import java.util.ArrayList;
import java.util.List;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * {@code RequireScopes=orders.read,orders.write}, after {@code Authenticate}: the caller's token
 * must carry every one of these scopes ({@code scope} or {@code scp} claim), else 403 with
 * {@code WWW-Authenticate: Bearer error="insufficient_scope"}.
 */
public class RequireScopesGatewayFilterFactory extends AbstractGatewayFilterFactory<RequireScopesGatewayFilterFactory.Config> {

    public static class Config {

        private List<String> scopes = new ArrayList<>();

        public List<String> getScopes() {
            return scopes;
        }

        public void setScopes(List<String> scopes) {
            this.scopes = scopes;
        }
    }

    private final SecurityRejections rejections;

    public RequireScopesGatewayFilterFactory(SecurityRejections rejections) {
        super(Config.class);
        this.rejections = rejections;
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("scopes");
    }

    @Override
    public ShortcutType shortcutType() {
        return ShortcutType.GATHER_LIST;
    }

    @Override
    public GatewayFilter apply(Config config) {
        List<String> required = List.copyOf(config.getScopes());
        HttpHeaders challenge = new HttpHeaders();
        challenge.add(HttpHeaders.WWW_AUTHENTICATE,
                "Bearer error=\"insufficient_scope\", scope=\"" + String.join(" ", required) + "\"");
        return GuardOrder.guard((exchange, chain) -> {
            Identity identity = exchange.getAttribute(AuthenticateGatewayFilterFactory.IDENTITY_ATTRIBUTE);
            if (identity == null) {
                return rejections.refuse(exchange, HttpStatus.UNAUTHORIZED, "missing-credentials", "credentials required");
            }
            for (String scope : required) {
                if (!identity.scopes().contains(scope)) {
                    return rejections.refuse(exchange, HttpStatus.FORBIDDEN, "insufficient-scope",
                            "scope " + scope + " required", challenge);
                }
            }
            return chain.filter(exchange);
        });
    }
}
