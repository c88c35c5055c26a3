package dev.turnpike.upstream.balancer;

import dev.turnpike.upstream.BalancerType;
import dev.turnpike.upstream.Server;
import java.util.List;

public final class Balancers {

    private Balancers() {
    }

    public static Balancer create(BalancerType type, List<Server> servers) {
        return switch (type) {
            case ROUND_ROBIN -> new RoundRobinBalancer();
            case WEIGHTED -> new WeightedBalancer(servers);
            case LEAST_CONNECTIONS -> new LeastConnectionsBalancer();
            case RANDOM_TWO -> new RandomTwoBalancer();
            case IP_HASH -> new IpHashBalancer(servers);
            case CONSISTENT_HASH -> new ConsistentHashBalancer(servers);
        };
    }
}
