package dev.turnpike.upstream.balancer;

import dev.turnpike.upstream.Server;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Each server in turn. A turn that falls on an ineligible server is skipped rather than handed to
 * its neighbour, so the remaining servers keep equal shares.
 */
final class RoundRobinBalancer implements Balancer {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Server pick(List<Server> servers, Predicate<Server> eligible, PickRequest request) {
        int n = servers.size();
        for (int i = 0; i < n; i++) {
            Server server = servers.get(Math.floorMod(next.getAndIncrement(), n));
            if (eligible.test(server)) {
                return server;
            }
        }
        return null;
    }
}
