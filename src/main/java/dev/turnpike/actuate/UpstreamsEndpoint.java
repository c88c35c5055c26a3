package dev.turnpike.actuate;

import dev.turnpike.upstream.Pool;
import dev.turnpike.upstream.UpstreamRegistry;
import dev.turnpike.upstream.UpstreamSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/** {@code /actuator/upstreams}: every pool with its settings, servers, states and counters. */
@Endpoint(id = "upstreams")
final class UpstreamsEndpoint {

    private final UpstreamRegistry registry;

    UpstreamsEndpoint(UpstreamRegistry registry) {
        this.registry = registry;
    }

    @ReadOperation
    public Map<String, Object> upstreams() {
        Map<String, Object> pools = new LinkedHashMap<>();
        for (Pool pool : registry.pools()) {
            pools.put(pool.name(), view(pool));
        }
        return Map.of("upstreams", pools);
    }

    @ReadOperation
    public Map<String, Object> upstream(@Selector String name) {
        Pool pool = registry.pool(name);
        return pool == null ? null : view(pool);
    }

    static Map<String, Object> view(Pool pool) {
        UpstreamSettings settings = pool.settings();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("balancer", PoolView.kebab(settings.balancer()));
        if (settings.hashHeader() != null) {
            view.put("hashHeader", settings.hashHeader());
        }
        view.put("whenAllDown", PoolView.kebab(settings.whenAllDown()));
        view.put("up", pool.isUp());
        view.put("panic", pool.isPanicking());
        UpstreamSettings.HealthCheck check = settings.healthCheck();
        view.put("healthCheck", Map.of("type", PoolView.kebab(check.type()), "path", check.path(),
                "interval", check.interval().toString(), "timeout", check.timeout().toString(),
                "rise", check.rise(), "fall", check.fall(), "expectedStatuses", check.expectedStatuses()));
        view.put("passive", Map.of("maxFails", settings.passive().maxFails(),
                "failTimeout", settings.passive().failTimeout().toString(),
                "failOnStatuses", settings.passive().failOnStatuses()));
        view.put("warmup", Map.of("connections", settings.warmup().connections(),
                "refreshInterval", settings.warmup().refreshInterval().toString()));
        view.put("servers", PoolView.servers(pool, true));
        return view;
    }
}
