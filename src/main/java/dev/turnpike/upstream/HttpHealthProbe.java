package dev.turnpike.upstream;

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

    HttpHealthProbe(UpstreamSettings.HealthCheck settings) {
        this.path = settings.path();
        this.timeout = settings.timeout();
        this.expected = new StatusRanges(settings.expectedStatuses());
        this.client = HttpClient.create(ConnectionProvider.newConnection())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .responseTimeout(timeout)
                .headers(h -> h.set(HttpHeaderNames.USER_AGENT, "turnpike-health-check"));
    }

    @Override
    public Mono<Server.HealthCheckResult> probe(Server server) {
        String uri = "http://" + server.address() + path;
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
