package dev.turnpike.upstream.balancer;

import dev.turnpike.upstream.Server;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Smooth weighted round-robin, as nginx does it: shares follow the weights and picks interleave.
 * A turn that falls on an ineligible server is skipped, so the others keep their relative shares.
 */
final class WeightedBalancer implements Balancer {

    private final int[] sequence;
    private final AtomicInteger next = new AtomicInteger();

    WeightedBalancer(List<Server> servers) {
        this.sequence = WeightedSequence.of(servers);
    }

    @Override
    public Server pick(List<Server> servers, Predicate<Server> eligible, PickRequest request) {
        for (int i = 0; i < sequence.length; i++) {
            Server server = servers.get(sequence[Math.floorMod(next.getAndIncrement(), sequence.length)]);
            if (eligible.test(server)) {
                return server;
            }
        }
        return null;
    }
}
