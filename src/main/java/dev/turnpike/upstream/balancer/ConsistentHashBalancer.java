package dev.turnpike.upstream.balancer;

import dev.turnpike.upstream.Server;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * A ketama-style hash ring: each server owns about 160 points per average weight, a key goes to
 * the first point clockwise from its hash whose server is eligible. When a server leaves, only the
 * keys it held move.
 */
final class ConsistentHashBalancer implements Balancer {

    private static final int POINTS_PER_SERVER = 160;

    private final long[] points;
    private final int[] owners;

    ConsistentHashBalancer(List<Server> servers) {
        long totalWeight = servers.stream().mapToLong(Server::weight).sum();
        int[] counts = new int[servers.size()];
        int total = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (int) Math.max(1, POINTS_PER_SERVER * servers.size() * servers.get(i).weight() / totalWeight);
            total += counts[i];
        }
        long[][] ring = new long[total][];
        int at = 0;
        for (int i = 0; i < counts.length; i++) {
            String name = servers.get(i).address().toString();
            for (int p = 0; p < counts[i]; p++) {
                ring[at++] = new long[] {Hashing.hash64(name + "#" + p), i};
            }
        }
        Arrays.sort(ring, (a, b) -> Long.compare(a[0], b[0]));
        points = new long[total];
        owners = new int[total];
        for (int i = 0; i < total; i++) {
            points[i] = ring[i][0];
            owners[i] = (int) ring[i][1];
        }
    }

    @Override
    public Server pick(List<Server> servers, Predicate<Server> eligible, PickRequest request) {
        int at = Arrays.binarySearch(points, Hashing.hash64(request.hashKey()));
        int start = at >= 0 ? at : -at - 1;
        for (int i = 0; i < points.length; i++) {
            Server server = servers.get(owners[(start + i) % points.length]);
            if (eligible.test(server)) {
                return server;
            }
        }
        return null;
    }
}
