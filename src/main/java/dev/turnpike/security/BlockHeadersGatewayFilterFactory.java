package dev.turnpike.security;

import java.util.List;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;

/**
 * {@code BlockHeaders=<name pattern>[,<value pattern>[,<status>]]}: refuses a request that carries
 * a matching header, with 400 (default) or 403. The name pattern is case-insensitive; the value
 * pattern, when given, must match a whole value.
 */
public class BlockHeadersGatewayFilterFactory extends AbstractGatewayFilterFactory<BlockHeadersGatewayFilterFactory.Config> {

    public static class Config {

        private String name;
        private String value;
        private int status = 400;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getValue() {
            return value;
        }

        public void setValue(String value) {
            this.value = value;
        }

        public int getStatus() {
            return status;
        }

        public void setStatus(int status) {
            this.status = status;
        }
    }

    private final SecurityRejections rejections;

    public BlockHeadersGatewayFilterFactory(SecurityRejections rejections) {
        super(Config.class);
        this.rejections = rejections;
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("name", "value", "status");
    }

    @Override
    public GatewayFilter apply(Config config) {
        HeaderRule rule = HeaderRule.of(config.getName(), config.getValue(), config.getStatus());
        return GuardOrder.guard((exchange, chain) -> {
            String header = rule.match(exchange.getRequest().getHeaders());
            return header == null ? chain.filter(exchange)
                    : rejections.refuse(exchange, rule.status(), "blocked-header", "header " + header + " is not accepted");
        });
    }
}
