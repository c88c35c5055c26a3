package dev.turnpike.actuate;

import dev.turnpike.l4.L4Listeners;
import dev.turnpike.l4.ListenerSettings;
import dev.turnpike.l4.TcpListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/** {@code /actuator/listeners}: the L4 transport, and every L4 listener with its port, mode, routes, state and counters. */
@Endpoint(id = "listeners")
final class ListenersEndpoint {

    private final L4Listeners listeners;

    ListenersEndpoint(L4Listeners listeners) {
        this.listeners = listeners;
    }

    @ReadOperation
    public Map<String, Object> listeners() {
        Map<String, Object> all = new LinkedHashMap<>();
        for (TcpListener listener : listeners.listeners()) {
            all.put(listener.settings().name(), view(listener));
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("transport", listeners.transportName());
        view.put("listeners", all);
        return view;
    }

    static Map<String, Object> view(TcpListener listener) {
        ListenerSettings settings = listener.settings();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("bind", settings.bind());
        view.put("port", listener.port());
        view.put("mode", PoolView.kebab(settings.mode()));
        view.put("listening", listener.isListening());
        if (settings.upstream() != null) {
            view.put("upstream", settings.upstream());
        }
        if (!settings.sniRoutes().isEmpty()) {
            List<Map<String, Object>> routes = settings.sniRoutes().stream()
                    .map(route -> Map.<String, Object>of("serverNames", route.serverNames(), "upstream", route.upstream()))
                    .toList();
            view.put("sniRoutes", routes);
        }
        if (settings.defaultUpstream() != null) {
            view.put("defaultUpstream", settings.defaultUpstream());
        }
        view.put("connectTimeout", settings.connectTimeout().toString());
        view.put("idleTimeout", settings.idleTimeout().toString());
        view.put("maxConnections", settings.maxConnections());
        view.put("sendProxyProtocol", PoolView.kebab(settings.sendProxyProtocol()));
        view.put("acceptProxyProtocol", settings.acceptProxyProtocol());
        view.put("openConnections", listener.openConnections());
        view.put("activeConnections", listener.stats().active());
        view.put("connections", listener.stats().results());
        if (!settings.sniRoutes().isEmpty() || settings.defaultUpstream() != null) {
            view.put("sni", listener.stats().sniResults());
        }
        view.put("bytesIn", listener.stats().bytesIn());
        view.put("bytesOut", listener.stats().bytesOut());
        return view;
    }
}
