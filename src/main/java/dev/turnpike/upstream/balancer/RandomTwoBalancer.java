package dev.turnpike.upstream.balancer;

import dev.turnpike.upstream.Server;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/** Power of two random choices: two eligible servers at random, the one with less in-flight load wins. */
final class RandomTwoBalancer implements Balancer {

    @Override
    public Server pick(List<Server> servers, Predicate<Server> eligible, PickRequest request) {
        int count = 0;
        for (Server server : servers) {
            if (eligible.test(server)) {
                count++;
            }
        }
        if (count == 0) {
            return null;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Server first = nthEligible(servers, eligible, random.nextInt(count));
        if (count == 1) {
            return first;
        }
        int second = random.nextInt(count - 1);
        Server other = nthEligible(servers, eligible, second);
        if (other == first) {
            other = nthEligible(servers, eligible, count - 1);
        }
        return Load.lighter(other, first) ? other : first;
    }

    private static Server nthEligible(List<Server> servers, Predicate<Server> eligible, int nth) {
        int seen = 0;
        for (Server server : servers) {
            if (eligible.test(server) && seen++ == nth) {
                return server;
            }
        }
        throw new IllegalStateException("fewer eligible servers than counted");
    }
}
