package dev.turnpike.actuate;

import dev.turnpike.upstream.Pool;
import dev.turnpike.upstream.Server;
import dev.turnpike.upstream.ServerState;
import dev.turnpike.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/** Per-pool and per-server meters, tagged by upstream name and server address only. */
final class UpstreamMetrics implements MeterBinder {

    private final UpstreamRegistry registry;

    UpstreamMetrics(UpstreamRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        for (Pool pool : registry.pools()) {
            Gauge.builder("turnpike.upstream.available.servers", pool,
                            p -> p.servers().stream().filter(Server::isAvailable).count())
                    .tag("upstream", pool.name())
                    .description("Servers of the pool that take traffic")
                    .register(meters);
            for (Server server : pool.servers()) {
                Tags tags = Tags.of("upstream", pool.name(), "server", server.address().toString());
                FunctionCounter.builder("turnpike.upstream.server.requests", server, Server::requests)
                        .tags(tags).description("Requests and connections sent to the server").register(meters);
                FunctionCounter.builder("turnpike.upstream.server.failures", server, Server::failures)
                        .tags(tags).description("Failures seen in traffic: connect errors, timeouts, failing statuses")
                        .register(meters);
                Gauge.builder("turnpike.upstream.server.in.flight", server, Server::inFlight)
                        .tags(tags).description("Requests or connections in progress").register(meters);
                Gauge.builder("turnpike.upstream.server.open.connections", server, Server::openConnections)
                        .tags(tags).description("Open proxy connections to the server").register(meters);
                Gauge.builder("turnpike.upstream.server.healthy", server, s -> s.state() == ServerState.HEALTHY ? 1 : 0)
                        .tags(tags).description("1 while the server takes traffic").register(meters);
            }
        }
    }
}
