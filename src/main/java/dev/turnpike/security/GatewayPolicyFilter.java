package dev.turnpike.security;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The gateway-wide policies, applied to every routed request before any route filter: the
 * client address lists, the blocked headers, and the removal of identity headers and of the
 * headers configured to be stripped, so that only Turnpike itself can set them.
 */
public final class GatewayPolicyFilter implements GlobalFilter, Ordered {

    private final AddressRule clients;
    private final List<HeaderRule> blocked;
    private final List<Pattern> stripped;
    private final List<String> identityHeaders;
    private final boolean stripPatterns;
    private final SecurityRejections rejections;

    public GatewayPolicyFilter(SecuritySettings settings, SecurityRejections rejections) {
        this.clients = new AddressRule(settings.clients().allow(), settings.clients().deny());
        this.blocked = settings.headers().block().stream().map(r -> HeaderRule.of(r.name(), r.value(), r.status())).toList();
        List<Pattern> strip = new ArrayList<>();
        settings.identityHeaders().all().forEach(h -> strip.add(Pattern.compile(Pattern.quote(h), Pattern.CASE_INSENSITIVE)));
        settings.headers().strip().forEach(h -> strip.add(Pattern.compile(h, Pattern.CASE_INSENSITIVE)));
        this.stripped = List.copyOf(strip);
        this.identityHeaders = settings.identityHeaders().all();
        this.stripPatterns = !settings.headers().strip().isEmpty();
        this.rejections = rejections;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (!clients.isEmpty() && !clients.permits(ClientAddress.of(exchange))) {
            return rejections.refuse(exchange, HttpStatus.FORBIDDEN, "client-address", "this client address is not allowed");
        }
        HttpHeaders headers = exchange.getRequest().getHeaders();
        for (HeaderRule rule : blocked) {
            String header = rule.match(headers);
            if (header != null) {
                return rejections.refuse(exchange, rule.status(), "blocked-header", "header " + header + " is not accepted");
            }
        }
        if (!carriesAny(headers)) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange.mutate().request(r -> r.headers(h -> HeaderRule.strip(h, stripped))).build());
    }

    private boolean carriesAny(HttpHeaders headers) {
        for (String name : identityHeaders) {
            if (headers.containsHeader(name)) {
                return true;
            }
        }
        if (!stripPatterns) {
            return false;
        }
        for (String name : headers.headerNames()) {
            for (Pattern pattern : stripped) {
                if (pattern.matcher(name).matches()) {
                    return true;
                }
            }
        }
        return false;
    }
}
