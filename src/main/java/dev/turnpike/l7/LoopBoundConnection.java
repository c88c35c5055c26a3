package dev.turnpike.l7;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import reactor.netty.Connection;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;

/**
 * A backend exchange's connection as Spring Cloud Gateway's response writer sees it, disposed on the
 * connection's own event loop. The writer disposes it when the client goes away, from the client's
 * event loop. From there the close can land after the response has completed and the pool has lent the
 * connection to the next request, which then fails with "connection prematurely closed". On the
 * connection's own loop it runs either before the response completes, and closes the connection as
 * meant, or after, when the finished exchange no longer holds it and nothing happens.
 */
final class LoopBoundConnection implements Connection {

    private final Connection exchange;
    private final EventLoop loop;

    LoopBoundConnection(Connection exchange) {
        this.exchange = exchange;
        this.loop = exchange.channel().eventLoop();
    }

    @Override
    public Channel channel() {
        return exchange.channel();
    }

    @Override
    public NettyInbound inbound() {
        return exchange.inbound();
    }

    @Override
    public NettyOutbound outbound() {
        return exchange.outbound();
    }

    @Override
    public boolean isDisposed() {
        return exchange.isDisposed();
    }

    @Override
    public void dispose() {
        if (loop.inEventLoop()) {
            exchange.dispose();
        } else {
            loop.execute(exchange::dispose);
        }
    }
}
