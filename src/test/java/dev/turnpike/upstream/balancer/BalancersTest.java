package dev.turnpike.upstream.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.upstream.BalancerType;
import dev.turnpike.upstream.Server;
import dev.turnpike.upstream.ServerAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The algorithms' edge semantics, on server objects without a network. */
class BalancersTest {

    private static List<Server> servers(int... weights) {
        List<Server> servers = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            servers.add(new Server("p", new ServerAddress("10.0.0." + (i + 1), 8080), weights[i]));
        }
        return servers;
    }

    private static final Predicate<Server> ALL = s -> true;

    @Test
    void smoothWeightedInterleavesLikeNginx() {
        List<Server> servers = servers(5, 1, 1);
        Balancer balancer = Balancers.create(BalancerType.WEIGHTED, servers);
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            order.append((char) ('a' + servers.indexOf(balancer.pick(servers, ALL, () -> ""))));
        }
        assertThat(order.toString()).isEqualTo("aabacaa");
    }

    @Test
    void weightedSkipsIneligibleServersAndKeepsTheOthersRatio() {
        List<Server> servers = servers(3, 1, 2);
        Balancer balancer = Balancers.create(BalancerType.WEIGHTED, servers);
        Server excluded = servers.get(1);
        Map<Server, Integer> counts = new HashMap<>();
        for (int i = 0; i < 6000; i++) {
            counts.merge(balancer.pick(servers, s -> s != excluded, () -> ""), 1, Integer::sum);
        }
        assertThat(counts).doesNotContainKey(excluded);
        assertThat(counts.get(servers.get(0)) / (double) counts.get(servers.get(2))).isBetween(1.3, 2.2);
    }

    @Test
    void roundRobinKeepsEqualSharesWhenAServerIsOut() {
        List<Server> servers = servers(1, 1, 1);
        Balancer balancer = Balancers.create(BalancerType.ROUND_ROBIN, servers);
        Server out = servers.get(1);
        Map<Server, Integer> counts = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            counts.merge(balancer.pick(servers, s -> s != out, () -> ""), 1, Integer::sum);
        }
        assertThat(counts.get(servers.get(0))).isEqualTo(500);
        assertThat(counts.get(servers.get(2))).isEqualTo(500);
    }

    @Test
    void everyBalancerReturnsNullWhenNothingIsEligible() {
        List<Server> servers = servers(1, 2);
        for (BalancerType type : BalancerType.values()) {
            assertThat(Balancers.create(type, servers).pick(servers, s -> false, () -> "k")).as(type.name()).isNull();
        }
    }

    @Test
    void everyBalancerPicksTheOnlyEligibleServer() {
        List<Server> servers = servers(1, 1, 1);
        Server only = servers.get(2);
        for (BalancerType type : BalancerType.values()) {
            Balancer balancer = Balancers.create(type, servers);
            for (int i = 0; i < 20; i++) {
                String key = "key" + i;
                assertThat(balancer.pick(servers, s -> s == only, () -> key)).as(type.name()).isSameAs(only);
            }
        }
    }

    @Test
    void leastConnectionsPicksTheLeastLoadedPerWeight() {
        List<Server> servers = servers(1, 4);
        for (int i = 0; i < 3; i++) {
            servers.get(0).started();
        }
        for (int i = 0; i < 8; i++) {
            servers.get(1).started();
        }
        // 3 per unit of weight against 2: the heavier server wins despite more in flight
        assertThat(Balancers.create(BalancerType.LEAST_CONNECTIONS, servers).pick(servers, ALL, () -> ""))
                .isSameAs(servers.get(1));
    }

    @Test
    void consistentHashMovesOnlyTheKeysOfARemovedServer() {
        List<Server> ten = servers(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        Balancer ring = Balancers.create(BalancerType.CONSISTENT_HASH, ten);
        Server gone = ten.get(4);
        int keys = 20000;
        int moved = 0;
        Map<Server, Integer> share = new HashMap<>();
        for (int k = 0; k < keys; k++) {
            String key = "client-" + k;
            Server before = ring.pick(ten, ALL, () -> key);
            Server after = ring.pick(ten, s -> s != gone, () -> key);
            share.merge(before, 1, Integer::sum);
            if (before != after) {
                moved++;
                assertThat(before).isSameAs(gone);
            }
        }
        assertThat(moved / (double) keys).isBetween(0.07, 0.13);
        assertThat(share.values()).allSatisfy(n -> assertThat(n).isBetween(keys / 10 / 2, keys / 10 * 2));
    }

    @Test
    void ipHashIsStableAndSpreads() {
        List<Server> servers = servers(1, 1, 1);
        Balancer balancer = Balancers.create(BalancerType.IP_HASH, servers);
        Map<Server, Integer> counts = new HashMap<>();
        IntStream.range(0, 3000).forEach(i -> {
            String ip = "192.0.2." + (i % 250) + "." + (i / 250);
            Server first = balancer.pick(servers, ALL, () -> ip);
            assertThat(balancer.pick(servers, ALL, () -> ip)).isSameAs(first);
            counts.merge(first, 1, Integer::sum);
        });
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(700, 1300));
    }
}
