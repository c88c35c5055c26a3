package dev.turnpike.actuate;

import java.net.InetSocketAddress;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tells requests to the management server from gateway traffic by the local port they arrived
 * on, which is known once that server has started (it may be port 0 in tests). When management
 * shares the traffic port, its base path tells them apart instead.
 */
public final class ManagementPort implements ApplicationListener<WebServerInitializedEvent> {

    private volatile int port = -1;

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if ("management".equals(event.getApplicationContext().getServerNamespace())) {
            port = event.getWebServer().getPort();
        }
    }

    public boolean matches(ServerWebExchange exchange) {
        int management = port;
        if (management < 0) {
            return exchange.getRequest().getPath().value().startsWith("/actuator");
        }
        InetSocketAddress local = exchange.getRequest().getLocalAddress();
        return local != null && local.getPort() == management;
    }
}
