package dev.turnpike.upstream.balancer;

import dev.turnpike.upstream.Server;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The server with the fewest in-flight requests (L7) or open connections (L4) relative to its
 * weight. Ties go round-robin, so an idle pool still spreads its load.
 */
final class LeastConnectionsBalancer implements Balancer {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Server pick(List<Server> servers, Predicate<Server> eligible, PickRequest request) {
        int n = servers.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        Server best = null;
        for (int i = 0; i < n; i++) {
            Server server = servers.get((start + i) % n);
            if (eligible.test(server) && (best == null || Load.lighter(server, best))) {
                best = server;
            }
        }
        return best;
    }
}
