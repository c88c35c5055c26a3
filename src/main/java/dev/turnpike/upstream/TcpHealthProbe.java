package dev.turnpike.upstream;

import java.time.Duration;
import java.time.Instant;
import reactor.core.publisher.Mono;
import reactor.netty.tcp.TcpClient;

/** Passes when a TCP connection opens within the timeout; the connection is closed at once. */
final class TcpHealthProbe implements HealthProbe {

    private final Duration timeout;

    TcpHealthProbe(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public Mono<Server.HealthCheckResult> probe(Server server) {
        return TcpClient.newConnection()
                .host(server.address().host())
                .port(server.address().port())
                .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .connect()
                .timeout(timeout)
                .map(connection -> {
                    connection.dispose();
                    return new Server.HealthCheckResult(Instant.now(), true, "connected");
                })
                .onErrorResume(error -> Mono.just(
                        new Server.HealthCheckResult(Instant.now(), false, Probes.describe(error))));
    }
}
