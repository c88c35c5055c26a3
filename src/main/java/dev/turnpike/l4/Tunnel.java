package dev.turnpike.l4;

import dev.turnpike.upstream.Pool;
import dev.turnpike.upstream.Server;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One client connection joined to one backend connection. Both channels live on the same event loop,
 * so the state here is touched by one thread only.
 *
 * <p>A FIN from one side becomes a FIN to the other once what was read before it has been written,
 * and the reverse direction keeps flowing until it ends too; a reset on one side resets the other.
 */
final class Tunnel {

    private final Channel client;
    private final Channel backend;
    private final Server server;
    private final Pool pool;
    private final ListenerStats stats;
    private final Access access;
    private long bytesIn;
    private long bytesOut;
    private String ending;
    private boolean clientInputShut;
    private boolean backendInputShut;
    private boolean finished;
    private long idleTimeoutNanos;
    private long lastActivity;
    private ScheduledFuture<?> idleTimer;

    /** What the access log line of this connection says besides bytes and ending; null when that log is off. */
    record Access(dev.turnpike.accesslog.AccessLog log, java.time.Instant start, long startNanos, String listener,
                  String client, String serverName) {
    }

    Tunnel(Channel client, Channel backend, Server server, Pool pool, ListenerStats stats, Access access) {
        this.access = access;
        this.client = client;
        this.backend = backend;
        this.server = server;
        this.pool = pool;
        this.stats = stats;
        server.started();
        server.tunnelOpened();
    }

    /**
     * Closes both sides once no bytes have moved either way for the timeout. One timer per tunnel that re-arms
     * itself, rather than an idle handler in the pipeline that would wrap every write.
     */
    void closeWhenIdle(long timeoutNanos) {
        idleTimeoutNanos = timeoutNanos;
        lastActivity = System.nanoTime();
        idleTimer = client.eventLoop().schedule(this::checkIdle, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    void touch() {
        lastActivity = System.nanoTime();
    }

    private void checkIdle() {
        long quiet = System.nanoTime() - lastActivity;
        if (quiet >= idleTimeoutNanos) {
            idle();
        } else if (!finished) {
            idleTimer = client.eventLoop().schedule(this::checkIdle, idleTimeoutNanos - quiet, TimeUnit.NANOSECONDS);
        }
    }

    Channel peer(boolean fromClient) {
        return fromClient ? backend : client;
    }

    void received(boolean fromClient, int bytes) {
        (fromClient ? stats.bytesIn : stats.bytesOut).add(bytes);
        if (fromClient) {
            bytesIn += bytes;
        } else {
            bytesOut += bytes;
        }
    }

    boolean inputShut(Channel channel) {
        return channel == client ? clientInputShut : backendInputShut;
    }

    /** One side sent FIN: pass it on after the bytes before it. */
    void inputShutdown(boolean fromClient) {
        if (fromClient) {
            clientInputShut = true;
        } else {
            backendInputShut = true;
        }
        Channel peer = peer(fromClient);
        if (clientInputShut && backendInputShut) {
            closeAfterFlush(client);
            closeAfterFlush(backend);
            return;
        }
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) future -> {
            if (peer.isActive()) {
                // once the peer's FIN arrives too, the tunnel is over: let that FIN close the channel
                // rather than half-close an input nobody will read (a shutdown call and an exception saved)
                peer.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
                sendFin(peer);
            }
        });
    }

    /**
     * Shuts the channel's output. On epoll the socket is shut directly: Netty's {@code shutdownOutput} builds an
     * exception with a stack trace on every call, to fail writes still queued, and there are none here (the
     * flush before this has completed and the side that writes to this channel has ended). The socket keeps
     * the state, so the channel sees its output as shut all the same.
     */
    private static void sendFin(Channel channel) {
        if (channel instanceof UnixChannel unix && unix.fd() instanceof Socket socket) {
            try {
                socket.shutdown(false, true);
            } catch (java.io.IOException | java.nio.channels.NotYetConnectedException e) {
                // the peer reset the connection between the flush and the shutdown
                channel.close();
            }
        } else {
            ((DuplexChannel) channel).shutdownOutput();
        }
    }

    /** One side's channel closed: close the other once what it was sent is written. */
    void closed(boolean fromClient) {
        if (ending == null) {
            // the side closing after the other one's FIN is the normal end, like two FINs
            boolean otherSideDone = fromClient ? backendInputShut : clientInputShut;
            ending = otherSideDone ? "closed" : fromClient ? "client-closed" : "backend-closed";
        }
        closeAfterFlush(peer(fromClient));
        finish();
    }

    /** One side failed: a broken connection (such as a reset) resets the other, anything else closes both. */
    void failed(boolean fromClient, Throwable cause) {
        Channel peer = peer(fromClient);
        if (ending == null) {
            ending = (fromClient ? "client" : "backend") + (cause instanceof java.io.IOException ? "-reset" : "-error");
        }
        if (cause instanceof java.io.IOException && peer.isActive()) {
            peer.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        peer.close();
        peer(!fromClient).close();
    }

    private void idle() {
        ending = "idle-timeout";
        client.close();
        backend.close();
    }

    private static void closeAfterFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void finish() {
        if (!finished) {
            finished = true;
            if (idleTimer != null) {
                idleTimer.cancel(false);
            }
            server.tunnelClosed();
            server.finished(false, pool.passive());
            if (access != null) {
                access.log().l4(new dev.turnpike.accesslog.AccessLog.L4Connection(access.start(), access.listener(),
                        access.client(), server.address().toString(), access.serverName(), bytesIn, bytesOut,
                        System.nanoTime() - access.startNanos(), ending == null ? "closed" : ending));
            }
        }
    }
}
