package dev.turnpike.actuate;

import dev.turnpike.upstream.UpstreamRegistry;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** OUT_OF_SERVICE until every pool has had its first health checks and warm-up; part of readiness. */
final class WarmupHealthIndicator implements HealthIndicator {

    private final UpstreamRegistry registry;

    WarmupHealthIndicator(UpstreamRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Health health() {
        return registry.isReady() ? Health.up().build() : Health.outOfService().withDetail("reason", "warming up").build();
    }
}
