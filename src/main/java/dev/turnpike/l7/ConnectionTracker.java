package dev.turnpike.l7;

import dev.turnpike.upstream.Server;
import dev.turnpike.upstream.ServerAddress;
import dev.turnpike.upstream.UpstreamRegistry;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import reactor.netty.http.client.HttpClient;

/** Counts the proxy's open connections per upstream server, from channel creation to close. */
final class ConnectionTracker implements HttpClientCustomizer {

    private final Supplier<UpstreamRegistry> registry;

    ConnectionTracker(Supplier<UpstreamRegistry> registry) {
        this.registry = registry;
    }

    @Override
    public HttpClient customize(HttpClient httpClient) {
        return httpClient.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (!(remoteAddress instanceof InetSocketAddress address)) {
                return;
            }
            List<Server> servers = registry.get().serversAt(new ServerAddress(address.getHostString(), address.getPort()));
            if (servers.isEmpty()) {
                return;
            }
            servers.forEach(Server::connectionOpened);
            channel.closeFuture().addListener(future -> servers.forEach(Server::connectionClosed));
        });
    }
}
