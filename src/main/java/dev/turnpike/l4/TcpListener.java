package dev.turnpike.l4;

import dev.turnpike.upstream.Pool;
import dev.turnpike.upstream.UpstreamRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One bound L4 listener: accepts client connections and gives each a {@link FrontendHandler}. */
public final class TcpListener {

    private static final Logger log = LoggerFactory.getLogger(TcpListener.class);

    private final UpstreamRegistry registry;
    private final ListenerStats stats;
    private final dev.turnpike.accesslog.AccessLog accessLog;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile Config config;
    private volatile List<Channel> serverChannels = List.of();

    /**
     * What a connection is handled with, taken once when it is accepted: a reload that changes the
     * listener in place affects only connections accepted after it.
     */
    record Config(ListenerSettings settings, SniRoutes sniRoutes, BackendConnector connector) {

        Config(ListenerSettings settings, BackendConnector connector) {
            this(settings, new SniRoutes(settings.sniRoutes(), settings.defaultUpstream()), connector);
        }

        boolean passthrough() {
            return settings.mode() == ListenerSettings.ListenerMode.TLS_PASSTHROUGH;
        }

        int clientHelloMaxBytes() {
            return (int) Math.min(Integer.MAX_VALUE, settings.clientHello().maxBytes().toBytes());
        }
    }

    TcpListener(ListenerSettings settings, UpstreamRegistry registry, BackendConnector connector, ListenerStats stats,
                dev.turnpike.accesslog.AccessLog accessLog) {
        this.registry = registry;
        this.accessLog = accessLog;
        this.stats = stats;
        this.config = new Config(settings, connector);
    }

    /** New settings for connections accepted from now on, on the same bound socket. */
    void reconfigure(ListenerSettings settings, BackendConnector connector) {
        this.config = new Config(settings, connector);
        log.info("l4 listener {} reconfigured ({}{})", settings.name(), modeName(settings),
                settings.upstream() == null ? "" : " to upstream " + settings.upstream());
    }

    private static String modeName(ListenerSettings settings) {
        return settings.mode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * Binds the port; a bind failure (port in use, address not local) is thrown to the caller.
     *
     * <p>On the native transport every event loop gets a socket of its own on the port
     * ({@code SO_REUSEPORT}, as nginx's {@code reuseport}): the kernel spreads new connections over them,
     * and a connection lives on the loop that accepted it, with no hand-over to another thread. Elsewhere
     * one socket accepts for all loops.
     */
    void bind(L4Transport transport) {
        ListenerSettings settings = config.settings();
        List<Channel> bound = new ArrayList<>();
        try {
            if (transport.socketPerLoop()) {
                int port = settings.port();
                for (EventExecutor executor : transport.workers()) {
                    EventLoop loop = (EventLoop) executor;
                    Channel channel = bindOne(transport, loop, loop, settings.bind(), port);
                    bound.add(channel);
                    port = ((InetSocketAddress) channel.localAddress()).getPort();
                }
            } else {
                bound.add(bindOne(transport, transport.acceptors(), transport.workers(), settings.bind(), settings.port()));
            }
        } catch (IllegalStateException e) {
            bound.forEach(channel -> channel.close().awaitUninterruptibly());
            throw e;
        }
        serverChannels = List.copyOf(bound);
        log.info("l4 listener {} on {} ({}{})", settings.name(), bound.get(0).localAddress(), modeName(settings),
                settings.upstream() == null ? "" : " to upstream " + settings.upstream());
    }

    private Channel bindOne(L4Transport transport, EventLoopGroup acceptors, EventLoopGroup workers, String address, int port) {
        InetSocketAddress local = new InetSocketAddress(address, port);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, workers)
                .channelFactory(() -> transport.newServerSocket(local.getAddress()))
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true) // TCP_NODELAY is Netty's default on Linux
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        accept(channel);
                    }
                });
        if (transport.socketPerLoop()) {
            bootstrap.option(UnixChannelOption.SO_REUSEPORT, true);
        }
        ChannelFuture bound = bootstrap.bind(local).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("cannot listen on " + address + ":" + port + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        return bound.channel();
    }

    private void accept(SocketChannel channel) {
        Config accepted = config;
        int max = accepted.settings().maxConnections();
        if (stats.active.incrementAndGet() > max && max > 0) {
            stats.active.decrementAndGet();
            stats.result(null, ConnectionResult.OVER_LIMIT);
            channel.close();
            return;
        }
        channel.closeFuture().addListener(future -> stats.active.decrementAndGet());
        connections.add(channel);
        if (accepted.settings().acceptProxyProtocol()) {
            channel.pipeline().addLast(new HAProxyMessageDecoder());
        }
        channel.pipeline().addLast(new FrontendHandler(this, accepted));
    }

    /** Stops accepting; established connections keep flowing. */
    void closeListeningSocket() {
        serverChannels.forEach(channel -> channel.close().awaitUninterruptibly());
    }

    void closeConnections() {
        connections.close().awaitUninterruptibly();
    }

    /** Stops accepting and closes every connection. */
    public void close() {
        closeListeningSocket();
        closeConnections();
    }

    /** Client connections open on this listener now. */
    public int openConnections() {
        return connections.size();
    }

    public ListenerSettings settings() {
        return config.settings();
    }

    public ListenerStats stats() {
        return stats;
    }

    /** The bound port, or the configured one before binding. */
    public int port() {
        List<Channel> channels = serverChannels;
        return channels.isEmpty() ? config.settings().port() : ((InetSocketAddress) channels.get(0).localAddress()).getPort();
    }

    public boolean isListening() {
        List<Channel> channels = serverChannels;
        return !channels.isEmpty() && channels.stream().allMatch(Channel::isActive);
    }

    dev.turnpike.accesslog.AccessLog accessLog() {
        return accessLog;
    }

    Pool pool(String name) {
        return registry.pool(name);
    }
}
