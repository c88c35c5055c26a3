package dev.turnpike.upstream.balancer;

import dev.turnpike.upstream.Server;
import java.util.List;
import java.util.function.Predicate;

/**
 * Hashes the key onto the weighted sequence of servers: a key stays on one server while the pool
 * is unchanged, and moves to the next eligible one while its server is out. Cheap, but a change of
 * membership moves most keys; {@code consistent-hash} moves only about 1/N.
 */
final class IpHashBalancer implements Balancer {

    private final int[] sequence;

    IpHashBalancer(List<Server> servers) {
        this.sequence = WeightedSequence.of(servers);
    }

    @Override
    public Server pick(List<Server> servers, Predicate<Server> eligible, PickRequest request) {
        int start = (int) Long.remainderUnsigned(Hashing.hash64(request.hashKey()), sequence.length);
        for (int i = 0; i < sequence.length; i++) {
            Server server = servers.get(sequence[(start + i) % sequence.length]);
            if (eligible.test(server)) {
                return server;
            }
        }
        return null;
    }
}
