package dev.turnpike.upstream;

import reactor.netty.tcp.SslProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The named pools, shared by the L7 routes and the L4 listeners. Starting it runs each pool's
 * first health checks and warm-up; {@link #isReady()} turns true when those are done.
 */
public final class UpstreamRegistry implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(UpstreamRegistry.class);
    private static final Duration READY_WAIT_LIMIT = Duration.ofSeconds(30);

    private final Map<String, Pool> pools;
    private final Map<ServerAddress, List<Server>> serversByAddress;
    private final ConnectionWarmer warmer;
    private final List<PoolMonitor> monitors = new ArrayList<>();
    private volatile boolean running;
    private volatile boolean ready;
    private Disposable startup;

    /** @param tls the TLS client of each pool that has TLS on */
    public UpstreamRegistry(Map<String, UpstreamSettings> settings, Map<String, SslProvider> tls, ConnectionWarmer warmer) {
        this.warmer = warmer;
        Map<String, Pool> built = new LinkedHashMap<>();
        settings.forEach((name, upstream) -> built.put(name, new Pool(name, upstream, tls.get(name), UpstreamRegistry::ejected)));
        this.pools = Map.copyOf(built);
        Map<ServerAddress, List<Server>> byAddress = new java.util.HashMap<>();
        for (Pool pool : pools.values()) {
            for (Server server : pool.servers()) {
                byAddress.computeIfAbsent(server.address(), a -> new ArrayList<>()).add(server);
            }
        }
        byAddress.replaceAll((address, servers) -> List.copyOf(servers));
        this.serversByAddress = Map.copyOf(byAddress);
    }

    /** Every pool's server at this address: the same backend may serve several pools. */
    public List<Server> serversAt(ServerAddress address) {
        return serversByAddress.getOrDefault(address, List.of());
    }

    public Pool pool(String name) {
        return pools.get(name);
    }

    public Collection<Pool> pools() {
        return pools.values().stream().sorted(java.util.Comparator.comparing(Pool::name)).toList();
    }

    /** True when every pool has had its first health checks and warm-up. */
    public boolean isReady() {
        return ready;
    }

    @Override
    public void start() {
        List<Mono<Void>> firstRounds = new ArrayList<>();
        for (Pool pool : pools.values()) {
            PoolMonitor monitor = new PoolMonitor(pool, probeFor(pool), warmer);
            monitors.add(monitor);
            firstRounds.add(monitor.start());
        }
        running = true;
        startup = Mono.when(firstRounds)
                .timeout(READY_WAIT_LIMIT)
                .doOnError(e -> log.warn("upstream checks and warm-up took longer than {}; reporting ready anyway",
                        READY_WAIT_LIMIT))
                .onErrorResume(e -> Mono.empty())
                .doFinally(signal -> ready = true)
                .subscribe();
    }

    @Override
    public void stop() {
        if (startup != null) {
            startup.dispose();
        }
        monitors.forEach(PoolMonitor::stop);
        monitors.clear();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // after the connection pool exists, before the web server takes traffic
        return SmartLifecycle.DEFAULT_PHASE - 2048;
    }

    private static HealthProbe probeFor(Pool pool) {
        UpstreamSettings.HealthCheck check = pool.settings().healthCheck();
        return switch (check.type()) {
            case NONE -> null;
            case TCP -> new TcpHealthProbe(check.timeout());
            case HTTP -> new HttpHealthProbe(check, pool.tls());
        };
    }

    private static void ejected(Server server, int failures) {
        log.warn("upstream {} server {} ejected after {} failures", server.pool(), server.address(), failures);
    }
}
