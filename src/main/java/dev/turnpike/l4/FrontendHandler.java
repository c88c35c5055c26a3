package dev.turnpike.l4;

import dev.turnpike.upstream.Pool;
import dev.turnpike.upstream.Server;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one accepted client connection up to an established tunnel: reads what must be read first (a
 * PROXY header, a ClientHello) under a time and size cap, picks the upstream, has the connector open a
 * backend, writes the held bytes to it, and then hands both channels to {@link Relay}s.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

    private final TcpListener listener;
    private final TcpListener.Config config;
    private InetSocketAddress clientAddress;
    /** The address the client connected to, when a PROXY header said otherwise; else read only if needed. */
    private InetSocketAddress localAddress;
    private boolean awaitingProxyHeader;
    private CompositeByteBuf held;
    private ScheduledFuture<?> preambleTimer;
    private String upstream;
    private boolean done;
    private boolean clientInputShut;
    private java.time.Instant startedAt;
    private long startedNanos;
    private String serverName;

    FrontendHandler(TcpListener listener, TcpListener.Config config) {
        this.listener = listener;
        this.config = config;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        clientAddress = (InetSocketAddress) channel.remoteAddress();
        if (listener.accessLog().l4Enabled()) {
            startedAt = java.time.Instant.now();
            startedNanos = System.nanoTime();
        }
        awaitingProxyHeader = config.settings().acceptProxyProtocol();
        if (awaitingProxyHeader || config.passthrough()) {
            long timeout = config.settings().clientHello().timeout().toNanos();
            preambleTimer = ctx.executor().schedule(
                    () -> reject(ctx, ConnectionResult.PREAMBLE_TIMEOUT, "nothing routable arrived in time"),
                    timeout, TimeUnit.NANOSECONDS);
            ctx.read();
        } else {
            connect(ctx, config.settings().upstream());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HAProxyMessage header) {
            proxyHeader(ctx, header);
            return;
        }
        hold(ctx, (ByteBuf) msg);
        if (upstream != null || awaitingProxyHeader) {
            return; // bytes that came before the backend is connected (or along with a PROXY header) wait here
        }
        ClientHelloParser.Verdict verdict = ClientHelloParser.parse(held, config.clientHelloMaxBytes());
        if (verdict instanceof ClientHelloParser.NeedMore) {
            ctx.read();
        } else if (verdict instanceof ClientHelloParser.Invalid invalid) {
            reject(ctx, ConnectionResult.BAD_CLIENT_HELLO, invalid.reason());
        } else if (verdict instanceof ClientHelloParser.Hello hello) {
            cancelPreambleTimer();
            serverName = hello.serverName();
            SniRoutes.Decision decision = config.sniRoutes().route(hello.serverName());
            listener.stats().sni(decision.result());
            if (decision.upstream() == null) {
                reject(ctx, ConnectionResult.NO_ROUTE, "no route for server name " + hello.serverName());
            } else {
                connect(ctx, decision.upstream());
            }
        }
    }

    private void proxyHeader(ChannelHandlerContext ctx, HAProxyMessage header) {
        try {
            awaitingProxyHeader = false;
            HAProxyProxiedProtocol.AddressFamily family = header.proxiedProtocol().addressFamily();
            if (header.command() == HAProxyCommand.PROXY
                    && (family == HAProxyProxiedProtocol.AddressFamily.AF_IPv4
                    || family == HAProxyProxiedProtocol.AddressFamily.AF_IPv6)) {
                clientAddress = ipSocketAddress(header.sourceAddress(), header.sourcePort());
                localAddress = ipSocketAddress(header.destinationAddress(), header.destinationPort());
            }
        } finally {
            header.release();
        }
        if (config.passthrough()) {
            ctx.read();
        } else {
            cancelPreambleTimer();
            connect(ctx, config.settings().upstream());
        }
    }

    /** The decoder has checked the literal; building the address from its bytes never asks DNS. */
    private static InetSocketAddress ipSocketAddress(String literal, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(NetUtil.createByteArrayFromIpAddressString(literal)), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("not an IP literal: " + literal, e);
        }
    }

    private void hold(ChannelHandlerContext ctx, ByteBuf bytes) {
        if (held == null) {
            held = ctx.alloc().compositeBuffer();
        }
        held.addComponent(true, bytes);
    }

    private void connect(ChannelHandlerContext ctx, String upstreamName) {
        upstream = upstreamName;
        Pool pool = listener.pool(upstreamName);
        InetSocketAddress client = clientAddress;
        config.connector().connect(ctx.channel(), pool, () -> client.getAddress().getHostAddress(),
                new BackendConnector.Outcome() {
                    @Override
                    public void connected(Channel backend, Server server) {
                        startTunnel(ctx, backend, server, pool);
                    }

                    @Override
                    public void failed(ConnectionResult result, String detail) {
                        reject(ctx, result, detail);
                    }
                });
    }

    private void startTunnel(ChannelHandlerContext ctx, Channel backend, Server server, Pool pool) {
        Channel client = ctx.channel();
        if (done) {
            backend.close();
            return;
        }
        if (!client.isActive()) {
            done = true;
            backend.close();
            finish(ConnectionResult.CLIENT_CLOSED);
            return;
        }
        done = true;
        Tunnel.Access access = startedAt == null ? null : new Tunnel.Access(listener.accessLog(), startedAt, startedNanos,
                config.settings().name(), clientAddress.getAddress().getHostAddress(), serverName);
        Tunnel tunnel = new Tunnel(client, backend, server, pool, listener.stats(), access);
        backend.pipeline().addLast(new Relay(tunnel, false));
        ListenerSettings.ProxyProtocol proxy = config.settings().sendProxyProtocol();
        if (proxy != ListenerSettings.ProxyProtocol.OFF) {
            backend.pipeline().addFirst(HAProxyMessageEncoder.INSTANCE);
            InetSocketAddress local = localAddress != null ? localAddress : (InetSocketAddress) client.localAddress();
            backend.write(ProxyHeaders.header(proxy, clientAddress, local));
            backend.pipeline().remove(HAProxyMessageEncoder.INSTANCE);
        }
        if (held != null) {
            tunnel.received(true, held.readableBytes());
            backend.write(held);
            held = null;
        }
        backend.flush();
        tunnel.closeWhenIdle(config.settings().idleTimeout().toNanos());
        client.pipeline().replace(this, "relay", new Relay(tunnel, true));
        listener.stats().result(upstream, ConnectionResult.FORWARDED);
        backend.config().setAutoRead(true);
        if (clientInputShut) {
            tunnel.inputShutdown(true);
        } else {
            client.config().setAutoRead(true);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownEvent.INSTANCE) {
            clientInputShut = true;
            if (upstream == null) {
                reject(ctx, awaitingProxyHeader ? ConnectionResult.BAD_PROXY_HEADER : ConnectionResult.BAD_CLIENT_HELLO,
                        "client ended the connection before its preamble was complete");
            } else {
                EpollHalfClose.keepPolled(ctx.channel()); // the backend's reply is still to come
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    private void reject(ChannelHandlerContext ctx, ConnectionResult result, String detail) {
        if (done) {
            return;
        }
        done = true;
        cancelPreambleTimer();
        finish(result);
        // what a client sends is counted and in the access log; as a warning too, any client could flood
        // the warnings an operator watches, so only the gateway's and the backends' failures warn
        if (!result.causedByClient()) {
            log.warn("l4 listener {}: {} from {}{}: {}", config.settings().name(), result.tag(), clientAddress,
                    upstream == null ? "" : " to upstream " + upstream, detail);
        } else if (result != ConnectionResult.CLIENT_CLOSED) {
            log.debug("l4 listener {}: {} from {}: {}", config.settings().name(), result.tag(), clientAddress, detail);
        }
        ctx.close();
    }

    private void finish(ConnectionResult result) {
        listener.stats().result(upstream, result);
        if (startedAt != null) {
            listener.accessLog().l4(new dev.turnpike.accesslog.AccessLog.L4Connection(startedAt, config.settings().name(),
                    clientAddress.getAddress().getHostAddress(), null, serverName, held == null ? 0 : held.readableBytes(), 0,
                    System.nanoTime() - startedNanos, result.tag()));
        }
        if (held != null) {
            held.release();
            held = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof HAProxyProtocolException || cause.getCause() instanceof HAProxyProtocolException) {
            reject(ctx, ConnectionResult.BAD_PROXY_HEADER, cause.getMessage());
        } else {
            reject(ctx, ConnectionResult.CLIENT_CLOSED, String.valueOf(cause.getMessage()));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelPreambleTimer();
        if (!done && upstream == null) {
            done = true;
            finish(ConnectionResult.CLIENT_CLOSED);
        }
        // while a backend connect is under way, its completion sees the closed client and counts it
    }

    private void cancelPreambleTimer() {
        if (preambleTimer != null) {
            preambleTimer.cancel(false);
            preambleTimer = null;
        }
    }
}
