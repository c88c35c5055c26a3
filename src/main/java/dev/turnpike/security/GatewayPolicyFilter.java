package dev.turnpike.security;

import java.util.List;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The gateway-wide policies, applied to every routed request before any route filter: the
 * client address lists and the blocked headers. (Identity headers and headers to strip are
 * removed on the way out, by {@link IdentityHeadersFilter}.)
 */
public final class GatewayPolicyFilter implements GlobalFilter, Ordered {

    /** The gateway-wide client and header rules, replaced whole by a reload. */
    public record Rules(AddressRule clients, List<HeaderRule> blocked) {

        /** Throws IllegalArgumentException for a header rule that does not compile. */
        public static Rules of(SecuritySettings settings) {
            return new Rules(new AddressRule(settings.clients().allow(), settings.clients().deny()),
                    settings.headers().block().stream().map(r -> HeaderRule.of(r.name(), r.value(), r.status())).toList());
        }
    }

    private final SecurityRejections rejections;
    private volatile Rules rules;

    public GatewayPolicyFilter(SecuritySettings settings, SecurityRejections rejections) {
        this.rules = Rules.of(settings);
        this.rejections = rejections;
    }

    /** Applies to requests from now on. */
    public void use(Rules next) {
        this.rules = next;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Rules rules = this.rules;
        AddressRule clients = rules.clients();
        if (!clients.isEmpty() && !clients.permits(ClientAddress.of(exchange))) {
            return rejections.refuse(exchange, HttpStatus.FORBIDDEN, "client-address", "this client address is not allowed");
        }
        HttpHeaders headers = exchange.getRequest().getHeaders();
        for (HeaderRule rule : rules.blocked()) {
            String header = rule.match(headers);
            if (header != null) {
                return rejections.refuse(exchange, rule.status(), "blocked-header", "header " + header + " is not accepted");
            }
        }
        return chain.filter(exchange);
    }
}
