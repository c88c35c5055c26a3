package dev.turnpike.upstream;

import reactor.netty.tcp.SslProvider;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.time.Instant;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** Passes when a GET of the check path answers with an expected status within the timeout. */
final class HttpHealthProbe implements HealthProbe {

    private final HttpClient client;
    private final String path;
    private final Duration timeout;
    private final StatusRanges expected;

    private final String scheme;

    /** @param tls TLS toward the servers, the same as requests use; null for plain HTTP */
    HttpHealthProbe(UpstreamSettings.HealthCheck settings, SslProvider tls) {
        this.scheme = tls == null ? "http://" : "https://";
        this.path = settings.path();
        this.timeout = settings.timeout();
        this.expected = new StatusRanges(settings.expectedStatuses());
        HttpClient plain = HttpClient.create(ConnectionProvider.newConnection());
        this.client = (tls == null ? plain : plain.secure(tls))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .responseTimeout(timeout)
                .headers(h -> h.set(HttpHeaderNames.USER_AGENT, "turnpike-health-check"));
    }

    @Override
    public Mono<Server.HealthCheckResult> probe(Server server) {
        String uri = scheme + server.address() + path;
        return client.get()
                .uri(uri)
                .responseSingle((response, body) -> body.then(Mono.just(response.status().code())))
                .timeout(timeout)
                .map(status -> new Server.HealthCheckResult(Instant.now(), expected.contains(status),
                        "HTTP " + status))
                .onErrorResume(error -> Mono.just(
                        new Server.HealthCheckResult(Instant.now(), false, Probes.describe(error))));
    }
}
