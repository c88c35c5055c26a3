package dev.turnpike.security;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;

/** {@code StripHeaders=X-Internal-.*,X-Debug}: removes the request headers whose names match, before forwarding. */
public class StripHeadersGatewayFilterFactory extends AbstractGatewayFilterFactory<StripHeadersGatewayFilterFactory.Config> {

    public static class Config {

        private List<String> patterns = new ArrayList<>();

        public List<String> getPatterns() {
            return patterns;
        }

        public void setPatterns(List<String> patterns) {
            this.patterns = patterns;
        }
    }

    public StripHeadersGatewayFilterFactory() {
        super(Config.class);
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("patterns");
    }

    @Override
    public ShortcutType shortcutType() {
        return ShortcutType.GATHER_LIST;
    }

    @Override
    public GatewayFilter apply(Config config) {
        List<Pattern> patterns = config.getPatterns().stream()
                .map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE)).toList();
        return (exchange, chain) -> chain.filter(exchange.mutate()
                .request(r -> r.headers(h -> HeaderRule.strip(h, patterns))).build());
    }
}
