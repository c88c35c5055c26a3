package dev.turnpike.l7;

import dev.turnpike.upstream.Server;
import dev.turnpike.upstream.ServerAddress;
import dev.turnpike.upstream.UpstreamRegistry;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import reactor.netty.http.client.HttpClient;

/**
 * Counts the proxy's open connections per upstream server, from channel creation to close. The
 * registry is looked up once all singletons exist, on the starting thread, never on an event loop.
 */
final class ConnectionTracker implements HttpClientCustomizer, SmartInitializingSingleton {

    private final Supplier<UpstreamRegistry> lookup;
    private volatile UpstreamRegistry registry;

    ConnectionTracker(Supplier<UpstreamRegistry> lookup) {
        this.lookup = lookup;
    }

    @Override
    public void afterSingletonsInstantiated() {
        registry = lookup.get();
    }

    @Override
    public HttpClient customize(HttpClient httpClient) {
        return httpClient.doOnChannelInit((observer, channel, remoteAddress) -> {
            UpstreamRegistry upstreams = registry;
            if (upstreams == null || !(remoteAddress instanceof InetSocketAddress address)) {
                return;
            }
            List<Server> servers = upstreams.serversAt(new ServerAddress(address.getHostString(), address.getPort()));
            if (servers.isEmpty()) {
                return;
            }
            servers.forEach(Server::connectionOpened);
            channel.closeFuture().addListener(future -> servers.forEach(Server::connectionClosed));
        });
    }
}
