package dev.turnpike.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.tcp.SslProvider;

/**
 * The named pools, shared by the L7 routes and the L4 listeners. Starting it runs each pool's
 * first health checks and warm-up; {@link #isReady()} turns true when those are done.
 *
 * <p>A reload replaces the pools in two steps: {@link #prepare} builds the new pools and runs the
 * first checks and warm-up of every changed one while the current pools keep serving, and
 * {@link Prepared#commit()} swaps them in at once. A request already on a removed server finishes there.
 */
public final class UpstreamRegistry implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(UpstreamRegistry.class);
    private static final Duration READY_WAIT_LIMIT = Duration.ofSeconds(30);

    private final ConnectionWarmer warmer;
    private volatile Pools current;
    private volatile boolean running;
    private volatile boolean ready;
    private Disposable startup;

    /** The pools and their monitors, replaced as a whole. */
    private record Pools(Map<String, Pool> byName, Map<ServerAddress, List<Server>> byAddress,
                         Map<String, PoolMonitor> monitors) {

        static Pools of(Map<String, Pool> pools, Map<String, PoolMonitor> monitors) {
            Map<ServerAddress, List<Server>> byAddress = new HashMap<>();
            for (Pool pool : pools.values()) {
                for (Server server : pool.servers()) {
                    byAddress.computeIfAbsent(server.address(), a -> new ArrayList<>()).add(server);
                }
            }
            byAddress.replaceAll((address, servers) -> List.copyOf(servers));
            return new Pools(Map.copyOf(pools), Map.copyOf(byAddress), Map.copyOf(monitors));
        }
    }

    /** @param tls the TLS client of each pool that has TLS on */
    public UpstreamRegistry(Map<String, UpstreamSettings> settings, Map<String, SslProvider> tls, ConnectionWarmer warmer) {
        this.warmer = warmer;
        Map<String, Pool> built = new LinkedHashMap<>();
        settings.forEach((name, upstream) -> built.put(name, new Pool(name, upstream, tls.get(name), UpstreamRegistry::ejected)));
        this.current = Pools.of(built, Map.of());
    }

    /** Every pool's server at this address: the same backend may serve several pools. */
    public List<Server> serversAt(ServerAddress address) {
        return current.byAddress().getOrDefault(address, List.of());
    }

    public Pool pool(String name) {
        return current.byName().get(name);
    }

    public Collection<Pool> pools() {
        return current.byName().values().stream().sorted(Comparator.comparing(Pool::name)).toList();
    }

    /**
     * Serves a pool that is not in the configuration, without health checks, until the returned handle
     * is run; for the start-up warm-up, before any listener takes traffic or the configuration is watched.
     */
    public synchronized Runnable addUnlisted(String name, UpstreamSettings settings) {
        if (current.byName().containsKey(name)) {
            throw new IllegalStateException("pool " + name + " cannot be added: the registry has one");
        }
        Map<String, Pool> with = new LinkedHashMap<>(current.byName());
        with.put(name, new Pool(name, settings, null, UpstreamRegistry::ejected));
        current = Pools.of(with, current.monitors());
        return () -> {
            synchronized (this) {
                Map<String, Pool> without = new LinkedHashMap<>(current.byName());
                without.remove(name);
                current = Pools.of(without, current.monitors());
            }
        };
    }

    /** True when every pool has had its first health checks and warm-up. */
    public boolean isReady() {
        return ready;
    }

    @Override
    public synchronized void start() {
        Map<String, PoolMonitor> monitors = new HashMap<>();
        List<Mono<Void>> firstRounds = new ArrayList<>();
        for (Pool pool : current.byName().values()) {
            PoolMonitor monitor = new PoolMonitor(pool, probeFor(pool), warmer);
            monitors.put(pool.name(), monitor);
            firstRounds.add(monitor.start());
        }
        current = Pools.of(current.byName(), monitors);
        running = true;
        startup = Mono.when(firstRounds)
                .timeout(READY_WAIT_LIMIT)
                .doOnError(e -> log.warn("upstream checks and warm-up took longer than {}; reporting ready anyway",
                        READY_WAIT_LIMIT))
                .onErrorResume(e -> Mono.empty())
                .doFinally(signal -> ready = true)
                .subscribe();
    }

    /**
     * Builds the pools of a new configuration. An unchanged pool is kept as it is; a changed one is
     * rebuilt around the servers it keeps, and starts its health checks and warm-up now, so that its
     * new servers are checked and warm before they take traffic. Nothing serves from them until
     * {@link Prepared#commit()}.
     */
    public synchronized Prepared prepare(Map<String, UpstreamSettings> settings, Map<String, SslProvider> tls) {
        Pools before = current;
        Map<String, Pool> pools = new LinkedHashMap<>();
        Map<String, PoolMonitor> monitors = new HashMap<>();
        Map<String, PoolMonitor> started = new HashMap<>();
        List<Mono<Void>> firstRounds = new ArrayList<>();
        settings.forEach((name, upstream) -> {
            Pool previous = before.byName().get(name);
            if (previous != null && previous.settings().equals(upstream)) {
                pools.put(name, previous);
                PoolMonitor monitor = before.monitors().get(name);
                if (monitor != null) {
                    monitors.put(name, monitor);
                }
                return;
            }
            Pool pool = new Pool(name, upstream, tls.get(name), UpstreamRegistry::ejected, previous);
            pools.put(name, pool);
            if (running) {
                PoolMonitor monitor = new PoolMonitor(pool, probeFor(pool), warmer);
                monitors.put(name, monitor);
                started.put(name, monitor);
                firstRounds.add(monitor.start());
            }
        });
        Mono<Void> warm = Mono.when(firstRounds)
                .timeout(READY_WAIT_LIMIT)
                .onErrorResume(e -> {
                    log.warn("upstream checks and warm-up of the new configuration took longer than {}; applying it anyway",
                            READY_WAIT_LIMIT);
                    return Mono.empty();
                });
        return new Prepared(before, Pools.of(pools, monitors), started.values(), warm);
    }

    /** New pools that are checked and warming, ready to replace the current ones. */
    public final class Prepared {

        private final Pools before;
        private final Pools after;
        private final Collection<PoolMonitor> started;
        private final Mono<Void> warm;

        private Prepared(Pools before, Pools after, Collection<PoolMonitor> started, Mono<Void> warm) {
            this.before = before;
            this.after = after;
            this.started = started;
            this.warm = warm;
        }

        /** Completes when the changed pools' first health checks and warm-up are done (or took too long). */
        public Mono<Void> warm() {
            return warm;
        }

        /** Serves from the new pools from now on, and stops checking pools that are gone or replaced. */
        public void commit() {
            synchronized (UpstreamRegistry.this) {
                if (current != before) {
                    throw new IllegalStateException("the pools changed since this reload was prepared");
                }
                current = after;
                before.monitors().forEach((name, monitor) -> {
                    if (after.monitors().get(name) != monitor) {
                        monitor.stop();
                    }
                });
            }
        }

        /** Drops the new pools; the current ones stay. */
        public void abort() {
            started.forEach(PoolMonitor::stop);
        }
    }

    @Override
    public synchronized void stop() {
        if (startup != null) {
            startup.dispose();
        }
        current.monitors().values().forEach(PoolMonitor::stop);
        current = Pools.of(current.byName(), Map.of());
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
