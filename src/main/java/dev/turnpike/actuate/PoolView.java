package dev.turnpike.actuate;

import dev.turnpike.upstream.Pool;
import dev.turnpike.upstream.Server;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON shape of pools and servers shared by the health component and the upstreams endpoint. */
final class PoolView {

    private PoolView() {
    }

    static Map<String, Object> server(Server server, boolean counters) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("address", server.address().toString());
        view.put("weight", server.weight());
        view.put("state", server.state().label());
        view.put("inFlight", server.inFlight());
        view.put("openConnections", server.openConnections());
        view.put("l4Connections", server.tunnels());
        view.put("consecutiveFailures", server.consecutiveFailures());
        Server.HealthCheckResult check = server.lastCheck();
        if (check != null) {
            view.put("lastCheck", Map.of("at", check.at().toString(), "passed", check.passed(), "detail", check.detail()));
        }
        if (counters) {
            view.put("requests", server.requests());
            view.put("failures", server.failures());
            view.put("warmConnections", server.warmConnections());
        }
        return view;
    }

    static List<Map<String, Object>> servers(Pool pool, boolean counters) {
        return pool.servers().stream().map(server -> server(server, counters)).toList();
    }

    static String kebab(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
