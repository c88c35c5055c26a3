package dev.turnpike.l7;

import dev.turnpike.upstream.UpstreamRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClientsProperties;

/**
 * Serves Spring Cloud LoadBalancer's per-service balancers straight from the upstream registry,
 * without the child application context the stock factory builds for every service id.
 */
final class UpstreamLoadBalancerClientFactory extends LoadBalancerClientFactory {

    private final UpstreamRegistry registry;
    private final LoadBalancerClientsProperties properties;
    private final Map<String, UpstreamLoadBalancer> balancers = new ConcurrentHashMap<>();

    UpstreamLoadBalancerClientFactory(LoadBalancerClientsProperties properties, UpstreamRegistry registry) {
        super(properties);
        this.properties = properties;
        this.registry = registry;
    }

    @Override
    public <T> T getInstance(String name, Class<T> type) {
        if (type.isAssignableFrom(UpstreamLoadBalancer.class)) {
            return type.cast(balancer(name));
        }
        return super.getInstance(name, type);
    }

    /** The upstream's balancer, or null when no upstream has that name. */
    UpstreamLoadBalancer balancer(String name) {
        if (registry.pool(name) == null) {
            return null;
        }
        UpstreamLoadBalancer balancer = balancers.get(name);
        if (balancer == null) {
            balancer = balancers.computeIfAbsent(name, n -> new UpstreamLoadBalancer(n, registry));
        }
        return balancer;
    }

    @Override
    public <T> Map<String, T> getInstances(String name, Class<T> type) {
        if (type == LoadBalancerLifecycle.class) {
            return Map.of();
        }
        return super.getInstances(name, type);
    }

    @Override
    public LoadBalancerProperties getProperties(String serviceId) {
        return properties;
    }
}
