package dev.turnpike.actuate;

import dev.turnpike.upstream.Pool;
import dev.turnpike.upstream.UpstreamRegistry;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code upstreams} health component: one entry per pool, UP while at least one of its
 * servers is available, with every server's state in the details.
 */
final class UpstreamsHealthContributor implements CompositeHealthContributor {

    private final UpstreamRegistry registry;

    UpstreamsHealthContributor(UpstreamRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthContributor getContributor(String name) {
        Pool pool = registry.pool(name);
        return pool == null ? null : indicator(pool);
    }

    @Override
    public Stream<Entry> stream() {
        return registry.pools().stream().map(pool -> new Entry(pool.name(), indicator(pool)));
    }

    private static HealthIndicator indicator(Pool pool) {
        return () -> {
            Health.Builder health = pool.isUp() ? Health.up() : Health.down();
            long available = pool.servers().stream().filter(s -> s.isAvailable()).count();
            health.withDetail("available", available + "/" + pool.servers().size());
            if (!pool.isUp()) {
                health.withDetail("whenAllDown", PoolView.kebab(pool.settings().whenAllDown()));
                health.withDetail("panic", pool.isPanicking());
            }
            return health.withDetail("servers", PoolView.servers(pool, false)).build();
        };
    }
}
