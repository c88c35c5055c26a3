package dev.turnpike.upstream.balancer;

import dev.turnpike.upstream.Server;
import java.util.List;

/**
 * The order in which nginx's smooth weighted round-robin visits servers over one full cycle
 * (weights 5,1,1 give a,a,b,a,c,a,a rather than a,a,a,a,a,b,c), computed once so that a pick is
 * an index into it.
 */
final class WeightedSequence {

    private WeightedSequence() {
    }

    static int[] of(List<Server> servers) {
        int n = servers.size();
        int total = 0;
        for (Server server : servers) {
            total += server.weight();
        }
        int[] sequence = new int[total];
        long[] current = new long[n];
        for (int step = 0; step < total; step++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += servers.get(i).weight();
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            sequence[step] = best;
        }
        return sequence;
    }
}
