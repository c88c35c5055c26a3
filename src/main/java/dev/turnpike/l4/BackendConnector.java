package dev.turnpike.l4;

import dev.turnpike.upstream.Pool;
import dev.turnpike.upstream.Server;
import dev.turnpike.upstream.ServerAddress;
import dev.turnpike.upstream.balancer.Balancer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the backend side of a client connection: asks the pool for a server, connects on the client's
 * own event loop (so both halves of a tunnel share one thread), and moves on to the next server when a
 * connect is refused or times out, until every server has been tried.
 */
final class BackendConnector {

    interface Outcome {
        void connected(Channel backend, Server server);

        void failed(ConnectionResult result, String detail);
    }

    private final L4Transport transport;
    private final int connectTimeoutMillis;
    private final java.util.Map<ServerAddress, InetSocketAddress> literals = new java.util.concurrent.ConcurrentHashMap<>();

    BackendConnector(L4Transport transport, Duration connectTimeout) {
        this.transport = transport;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    }

    /** @param request what a hash balancer hashes; the client address, worked out only if asked for */
    void connect(Channel client, Pool pool, Balancer.PickRequest request, Outcome outcome) {
        attempt(client, pool, request, new ArrayList<>(2), null, outcome);
    }

    private void attempt(Channel client, Pool pool, Balancer.PickRequest request,
                         List<Server> tried, Throwable lastError, Outcome outcome) {
        if (!client.isActive()) {
            outcome.failed(ConnectionResult.CLIENT_CLOSED, "client closed before a backend connected");
            return;
        }
        Server server = pool.choose(request, tried);
        if (server == null || tried.contains(server)) {
            if (tried.isEmpty()) {
                outcome.failed(ConnectionResult.NO_SERVER, "no server available");
            } else {
                outcome.failed(ConnectionResult.CONNECT_FAILED, "tried " + tried + ", last error: "
                        + (lastError == null ? "none" : lastError.getMessage()));
            }
            return;
        }
        tried.add(server);
        InetSocketAddress target = socketAddress(server.address());
        new Bootstrap()
                .group(client.eventLoop())
                .channelFactory(() -> transport.newSocket(target.getAddress()))
                .resolver(transport.resolver())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true) // TCP_NODELAY is Netty's default on Linux
                .handler(new ChannelInboundHandlerAdapter())
                .connect(target)
                .addListener((ChannelFuture future) -> {
                    if (future.isSuccess()) {
                        outcome.connected(future.channel(), server);
                    } else {
                        server.recordFailure(pool.passive());
                        attempt(client, pool, request, tried, future.cause(), outcome);
                    }
                });
    }

    /** IP literals are resolved once per server; host names go to the asynchronous DNS resolver on every connect. */
    private InetSocketAddress socketAddress(ServerAddress address) {
        InetSocketAddress known = literals.get(address);
        if (known != null) {
            return known;
        }
        InetSocketAddress parsed = parse(address);
        if (!parsed.isUnresolved()) {
            literals.putIfAbsent(address, parsed);
        }
        return parsed;
    }

    private static InetSocketAddress parse(ServerAddress address) {
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(address.host());
        if (literal != null) {
            try {
                return new InetSocketAddress(InetAddress.getByAddress(literal), address.port());
            } catch (java.net.UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return InetSocketAddress.createUnresolved(address.host(), address.port());
    }
}
