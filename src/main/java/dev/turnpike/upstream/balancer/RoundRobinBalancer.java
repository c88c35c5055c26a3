package dev.turnpike.upstream.balancer;

import dev.turnpike.upstream.Server;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** Each server in turn, skipping those not eligible. */
final class RoundRobinBalancer implements Balancer {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Server pick(List<Server> servers, Predicate<Server> eligible, PickRequest request) {
        int n = servers.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Server server = servers.get((start + i) % n);
            if (eligible.test(server)) {
                return server;
            }
        }
        return null;
    }
}
