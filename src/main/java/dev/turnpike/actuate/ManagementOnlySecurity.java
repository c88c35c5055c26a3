package dev.turnpike.actuate;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Keeps Spring Security off the traffic path: its filter chain proxy is wrapped so that only
 * requests to the management port enter it. Gateway traffic has its own guards, and the proxy's
 * per-request chain matching would cost every proxied request for nothing.
 */
final class ManagementOnlySecurity implements BeanPostProcessor {

    /** The order Spring Security gives its filter chain proxy (WebFluxSecurityConfiguration, not public). */
    private static final int SPRING_SECURITY_ORDER = -100;

    private final ObjectProvider<ManagementPort> port;

    ManagementOnlySecurity(ObjectProvider<ManagementPort> port) {
        this.port = port;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof WebFilterChainProxy proxy) {
            return new OnManagementPort(proxy, port);
        }
        return bean;
    }

    private record OnManagementPort(WebFilterChainProxy proxy, ObjectProvider<ManagementPort> port) implements WebFilter, Ordered {

        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            return port.getObject().matches(exchange) ? proxy.filter(exchange, chain) : chain.filter(exchange);
        }

        @Override
        public int getOrder() {
            return SPRING_SECURITY_ORDER;
        }

        /** Spring's filter chain names every filter per request (a Reactor checkpoint); a record's generated
         *  toString would print the whole security proxy each time. */
        @Override
        public String toString() {
            return "ManagementOnlySecurity";
        }
    }
}
