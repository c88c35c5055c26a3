package dev.turnpike.security;

import java.util.ArrayList;
import java.util.List;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpStatus;

/**
 * Per-route client address lists, on top of the global {@code turnpike.security.clients}:
 * <pre>
 *   - name: ClientAccess
 *     args: { allow: [10.0.0.0/8, "2001:db8::/32"], deny: [10.6.6.6] }
 * </pre>
 */
public class ClientAccessGatewayFilterFactory extends AbstractGatewayFilterFactory<ClientAccessGatewayFilterFactory.Config> {

    public static class Config {

        private List<String> allow = new ArrayList<>();
        private List<String> deny = new ArrayList<>();

        public List<String> getAllow() {
            return allow;
        }

        public void setAllow(List<String> allow) {
            this.allow = allow;
        }

        public List<String> getDeny() {
            return deny;
        }

        public void setDeny(List<String> deny) {
            this.deny = deny;
        }
    }

    private final SecurityRejections rejections;

    public ClientAccessGatewayFilterFactory(SecurityRejections rejections) {
        super(Config.class);
        this.rejections = rejections;
    }

    @Override
    public GatewayFilter apply(Config config) {
        AddressRule rule = new AddressRule(config.getAllow().stream().map(IpRange::parse).toList(),
                config.getDeny().stream().map(IpRange::parse).toList());
        return GuardOrder.guard((exchange, chain) -> rule.permits(ClientAddress.of(exchange)) ? chain.filter(exchange)
                : rejections.refuse(exchange, HttpStatus.FORBIDDEN, "client-address", "this client address is not allowed"));
    }
}
