package dev.turnpike.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** {@code AllowMethods=GET,HEAD}: any other method gets 405 with an {@code Allow} header. */
public class AllowMethodsGatewayFilterFactory extends AbstractGatewayFilterFactory<AllowMethodsGatewayFilterFactory.Config> {

    public static class Config {

        private List<String> methods = new ArrayList<>();

        public List<String> getMethods() {
            return methods;
        }

        public void setMethods(List<String> methods) {
            this.methods = methods;
        }
    }

    private final SecurityRejections rejections;

    public AllowMethodsGatewayFilterFactory(SecurityRejections rejections) {
        super(Config.class);
        this.rejections = rejections;
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("methods");
    }

    @Override
    public ShortcutType shortcutType() {
        return ShortcutType.GATHER_LIST;
    }

    @Override
    public GatewayFilter apply(Config config) {
        Set<String> allowed = config.getMethods().stream().map(m -> m.trim().toUpperCase(Locale.ROOT))
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        HttpHeaders allow = new HttpHeaders();
        allow.set(HttpHeaders.ALLOW, String.join(", ", allowed));
        return GuardOrder.guard((exchange, chain) -> allowed.contains(exchange.getRequest().getMethod().name()) ? chain.filter(exchange)
                : rejections.refuse(exchange, HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed",
                        exchange.getRequest().getMethod().name() + " is not allowed here", allow));
    }
}
