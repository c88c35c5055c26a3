package dev.turnpike.actuate;

import dev.turnpike.upstream.Pool;
import dev.turnpike.upstream.Server;
import dev.turnpike.upstream.ServerState;
import dev.turnpike.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Per-pool and per-server meters, tagged by upstream name and server address only. They follow
 * reloads: {@link #refresh()} drops the meters of servers and pools that are gone and adds new ones.
 */
public final class UpstreamMetrics implements MeterBinder {

    static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final UpstreamRegistry registry;
    private final Map<Object, List<Meter>> registered = new IdentityHashMap<>();
    private MeterRegistry meters;

    UpstreamMetrics(UpstreamRegistry registry) {
        this.registry = registry;
    }

    @Override
    public synchronized void bindTo(MeterRegistry meters) {
        this.meters = meters;
        refresh();
    }

    /** Brings the meters in line with the registry's current pools and servers. */
    public synchronized void refresh() {
        if (meters == null) {
            return;
        }
        Map<Object, Boolean> live = new IdentityHashMap<>();
        for (Pool pool : registry.pools()) {
            live.put(pool, true);
            pool.servers().forEach(server -> live.put(server, true));
        }
        // first, so that a re-weighted server (a new object under the same tags) gets fresh meters
        for (Object gone : new ArrayList<>(registered.keySet())) {
            if (!live.containsKey(gone)) {
                registered.remove(gone).forEach(meters::remove);
            }
        }
        for (Pool pool : registry.pools()) {
            if (!registered.containsKey(pool)) {
                registered.put(pool, List.of(Gauge.builder("turnpike.upstream.available.servers", pool,
                                p -> p.servers().stream().filter(Server::isAvailable).count())
                        .tag("upstream", pool.name())
                        .description("Servers of the pool that take traffic")
                        .register(meters)));
            }
            for (Server server : pool.servers()) {
                if (!registered.containsKey(server)) {
                    registered.put(server, bind(pool, server));
                }
            }
        }
    }

    private List<Meter> bind(Pool pool, Server server) {
        Tags tags = Tags.of("upstream", pool.name(), "server", server.address().toString());
        List<Meter> bound = new ArrayList<>();
        bound.add(FunctionCounter.builder("turnpike.upstream.server.requests", server, Server::requests)
                .tags(tags).description("Requests and connections sent to the server").register(meters));
        bound.add(FunctionCounter.builder("turnpike.upstream.server.failures", server, Server::failures)
                .tags(tags).description("Failures seen in traffic: connect errors, timeouts, failing statuses")
                .register(meters));
        bound.add(Gauge.builder("turnpike.upstream.server.in.flight", server, Server::inFlight)
                .tags(tags).description("Requests or connections in progress").register(meters));
        bound.add(Gauge.builder("turnpike.upstream.server.open.connections", server, Server::openConnections)
                .tags(tags).description("Open proxy connections to the server").register(meters));
        bound.add(Gauge.builder("turnpike.upstream.server.healthy", server, s -> s.state() == ServerState.HEALTHY ? 1 : 0)
                .tags(tags).description("1 while the server takes traffic").register(meters));
        Timer latency = Timer.builder("turnpike.upstream.server.latency")
                .tags(tags).description("Time from sending an HTTP request to the server until its response ended")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(meters);
        bound.add(latency);
        server.observeLatency(nanos -> latency.record(nanos, TimeUnit.NANOSECONDS));
        return bound;
    }
}
