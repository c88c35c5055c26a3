package dev.turnpike.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.internal.tcnative.SSL;

/**
 * Counts the HTTPS listener's handshakes as {@code turnpike.tls.handshakes{result}}: {@code full},
 * {@code resumed} (a session ticket spared the certificate signature; known with the OpenSSL
 * engine only, the JDK's counts as full) and {@code failed} (an old protocol, no common cipher, a
 * client that gave up). It sees each connection's handshake end and then leaves the pipeline.
 */
@ChannelHandler.Sharable
final class HandshakeCounter extends ChannelInboundHandlerAdapter {

    private final Counter full;
    private final Counter resumed;
    private final Counter failed;

    HandshakeCounter(MeterRegistry registry) {
        this.full = counter(registry, "full");
        this.resumed = counter(registry, "resumed");
        this.failed = counter(registry, "failed");
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("turnpike.tls.handshakes").description("TLS handshakes on the HTTPS listener, by result")
                .tag("result", result).register(registry);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent completion) {
            if (!completion.isSuccess()) {
                failed.increment();
            } else if (resumed(ctx)) {
                resumed.increment();
            } else {
                full.increment();
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(event);
    }

    private static boolean resumed(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        return ssl != null && ssl.engine() instanceof ReferenceCountedOpenSslEngine engine && SSL.isSessionReused(engine.sslPointer());
    }
}
