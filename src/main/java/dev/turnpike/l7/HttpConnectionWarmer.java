package dev.turnpike.l7;

import dev.turnpike.upstream.ConnectionWarmer;
import dev.turnpike.upstream.HealthCheckType;
import dev.turnpike.upstream.Pool;
import dev.turnpike.upstream.Server;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.springframework.beans.factory.SmartInitializingSingleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;

/**
 * Opens keep-alive connections through the proxy's own {@link HttpClient}, so they land in the
 * pool that routes draw from. Each warm-up sends HEAD requests (to the health-check path when
 * there is one) and holds every response until all have arrived, which forces that many distinct
 * connections; then they go back to the pool, idle and open.
 */
final class HttpConnectionWarmer implements ConnectionWarmer, SmartInitializingSingleton {

    private static final Duration HOLD_LIMIT = Duration.ofSeconds(5);

    private final Supplier<HttpClient> proxyClient;
    private volatile HttpClient httpClient;

    /**
     * @param proxyClient the gateway's client, looked up once all singletons exist (it is built
     *        after the pools), on the starting thread rather than on an event loop
     */
    HttpConnectionWarmer(Supplier<HttpClient> proxyClient) {
        this.proxyClient = proxyClient;
    }

    @Override
    public void afterSingletonsInstantiated() {
        httpClient = proxyClient.get().headers(h -> h.set(HttpHeaderNames.USER_AGENT, "turnpike-warmup"));
    }

    private HttpClient client() {
        HttpClient client = httpClient;
        if (client == null) {
            throw new IllegalStateException("warm-up before the application context finished starting");
        }
        return client;
    }

    @Override
    public Mono<Integer> warm(Pool pool, Server server) {
        int connections = pool.settings().warmup().connections();
        String path = pool.settings().healthCheck().type() == HealthCheckType.HTTP
                ? pool.settings().healthCheck().path() : "/";
        String uri = (pool.tls() == null ? "http://" : "https://") + server.address() + path;
        HttpClient client = pool.tls() == null ? client() : client().secure(pool.tls());
        Sinks.Empty<Void> allHeld = Sinks.empty();
        AtomicInteger held = new AtomicInteger();
        return Flux.range(0, connections)
                .flatMap(i -> holdOne(client, uri, connections, held, allHeld), connections)
                .count()
                .map(Long::intValue);
    }

    /** One HEAD request whose connection stays leased until all {@code connections} are held. */
    private static Mono<Integer> holdOne(HttpClient client, String uri, int connections, AtomicInteger held,
                                         Sinks.Empty<Void> allHeld) {
        return client.head().uri(uri)
                .responseConnection((response, connection) -> connection.inbound().receive().then(Mono.defer(() -> {
                    if (held.incrementAndGet() == connections) {
                        allHeld.tryEmitEmpty();
                    }
                    return allHeld.asMono().timeout(HOLD_LIMIT, Mono.empty()).thenReturn(1);
                })))
                .next()
                .onErrorResume(error -> held.get() == 0 ? Mono.error(error) : Mono.empty());
    }
}
