package dev.turnpike.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Runs one pool's active health checks and keeps its warm connections open, off the request path. */
final class PoolMonitor {

    private static final Logger log = LoggerFactory.getLogger(PoolMonitor.class);

    private final Pool pool;
    private final HealthProbe probe;
    private final ConnectionWarmer warmer;
    private final Disposable.Composite tasks = Disposables.composite();
    private final Set<Server> warming = ConcurrentHashMap.newKeySet();

    PoolMonitor(Pool pool, HealthProbe probe, ConnectionWarmer warmer) {
        this.pool = pool;
        this.probe = probe;
        this.warmer = warmer;
    }

    /** Starts the periodic work; the returned Mono completes after the first checks and warm-up. */
    Mono<Void> start() {
        UpstreamSettings.HealthCheck check = pool.settings().healthCheck();
        Mono<Void> firstChecks = Mono.empty();
        if (probe != null) {
            List<Mono<Void>> firsts = new ArrayList<>();
            for (Server server : pool.servers()) {
                firsts.add(checkOnce(server));
                tasks.add(Flux.interval(check.interval(), check.interval(), Schedulers.parallel())
                        .onBackpressureDrop()
                        .concatMap(tick -> checkOnce(server), 1)
                        .subscribe());
            }
            firstChecks = Mono.when(firsts);
        }
        UpstreamSettings.Warmup warmup = pool.settings().warmup();
        if (warmup.connections() == 0) {
            return firstChecks;
        }
        return firstChecks.then(warmAll()).doOnTerminate(() -> tasks.add(
                Flux.interval(warmup.refreshInterval(), warmup.refreshInterval(), Schedulers.parallel())
                        .onBackpressureDrop()
                        .concatMap(tick -> warmAll(), 1)
                        .subscribe()));
    }

    void stop() {
        tasks.dispose();
    }

    private Mono<Void> checkOnce(Server server) {
        UpstreamSettings.HealthCheck check = pool.settings().healthCheck();
        return probe.probe(server).flatMap(result -> {
            boolean changed = server.applyCheck(result, check.rise(), check.fall());
            if (!changed) {
                return Mono.empty();
            }
            if (server.state() == ServerState.UNHEALTHY) {
                log.warn("upstream {} server {} is unhealthy: {}", pool.name(), server.address(), result.detail());
                return Mono.empty();
            }
            log.info("upstream {} server {} is healthy: {}", pool.name(), server.address(), result.detail());
            return warm(server);
        });
    }

    private Mono<Void> warmAll() {
        return Flux.fromIterable(pool.servers())
                .filter(Server::isAvailable)
                .flatMap(this::warm)
                .then();
    }

    private Mono<Void> warm(Server server) {
        // one warm-up per server at a time, or two would each open their own set of connections
        if (pool.settings().warmup().connections() == 0 || !warming.add(server)) {
            return Mono.empty();
        }
        return warmer.warm(pool, server)
                .doFinally(signal -> warming.remove(server))
                .doOnNext(server::warmConnections)
                .onErrorResume(error -> {
                    log.warn("upstream {} server {}: warm-up failed: {}", pool.name(), server.address(),
                            Probes.describe(error));
                    server.warmConnections(0);
                    return Mono.empty();
                })
                .then();
    }
}
