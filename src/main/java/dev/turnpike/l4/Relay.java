package dev.turnpike.l4;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * Moves bytes from one channel of a tunnel to the other, unchanged. Reads are flushed once per read
 * batch; when the other side cannot keep up (its outbound buffer passes the high-water mark) this side
 * stops reading until it drains, so a slow reader never makes the gateway buffer without bound.
 */
final class Relay extends ChannelInboundHandlerAdapter {

    private final Tunnel tunnel;
    private final boolean fromClient;
    private final Channel peer;

    Relay(Tunnel tunnel, boolean fromClient) {
        this.tunnel = tunnel;
        this.fromClient = fromClient;
        this.peer = tunnel.peer(fromClient);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            tunnel.received(fromClient, bytes.readableBytes());
        }
        peer.write(msg, peer.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        tunnel.touch();
        peer.flush();
        if (!peer.isWritable() && !tunnel.inputShut(ctx.channel())) {
            ctx.channel().config().setAutoRead(false);
            if (tunnel.inputShut(peer)) {
                IoUringHalfClose.keepWriting(peer);
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !tunnel.inputShut(peer)) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownEvent.INSTANCE) {
            EpollHalfClose.keepPolled(ctx.channel());
            tunnel.inputShutdown(fromClient);
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        tunnel.closed(fromClient);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        tunnel.failed(fromClient, cause);
    }
}
