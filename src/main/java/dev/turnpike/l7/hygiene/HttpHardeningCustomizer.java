package dev.turnpike.l7.hygiene;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Puts the request checks on every traffic connection once its protocol is known: around Netty's
 * HTTP/1.1 decoder ({@link RequestLineCheck}, {@link RequestHygieneHandler}), or after its HTTP/2
 * frame codec ({@link Http2RequestHygiene}). That is at once on plain HTTP/1.1 connections, after
 * ALPN on TLS connections, and after the first bytes on a plain listener that takes h2c by prior
 * knowledge. It also sets the HTTP/2 limits.
 */
public final class HttpHardeningCustomizer implements NettyServerCustomizer {

    private static final String HTTP2_HYGIENE = "turnpike.h2hygiene";

    private final HttpHardening settings;

    public HttpHardeningCustomizer(HttpHardening settings) {
        this.settings = settings;
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.http2Settings(settings::applyHttp2Limits).doOnChannelInit((observer, channel, remote) -> {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.H2OrHttp11Codec) != null) {
                pipeline.addAfter(NettyPipeline.H2OrHttp11Codec, "turnpike.afterAlpn", new AfterProtocolNegotiation());
            } else if (pipeline.get(NettyPipeline.HttpCodec) instanceof HttpServerCodec) {
                installHttp11Checks(pipeline);
            } else if (pipeline.get(HttpServerCodec.class) != null) {
                // h2c: Netty's cleartext upgrade handler has put an unnamed HTTP/1.1 codec in place
                installHttp11Checks(pipeline);
                pipeline.addFirst("turnpike.priorKnowledge", new PriorKnowledgeSniffer());
            }
        });
    }

    private void installHttp11Checks(ChannelPipeline pipeline) {
        String codec = pipeline.context(HttpServerCodec.class).name();
        RequestHygieneHandler hygiene = new RequestHygieneHandler(settings);
        pipeline.addAfter(codec, "turnpike.hygiene", hygiene);
        pipeline.addBefore(codec, "turnpike.requestLine", new RequestLineCheck(hygiene));
    }

    private void installHttp2Checks(ChannelPipeline pipeline) {
        if (pipeline.get(HTTP2_HYGIENE) == null && pipeline.context(Http2FrameCodec.class) != null) {
            pipeline.addAfter(pipeline.context(Http2FrameCodec.class).name(), HTTP2_HYGIENE, new Http2RequestHygiene(settings));
        }
    }

    /** Installs the checks for the protocol ALPN chose, before any of its bytes are decoded. */
    private final class AfterProtocolNegotiation extends ChannelInboundHandlerAdapter {

        private void install(ChannelHandlerContext ctx) {
            ChannelPipeline pipeline = ctx.pipeline();
            pipeline.remove(this);
            if (pipeline.get(NettyPipeline.HttpCodec) instanceof HttpServerCodec) {
                installHttp11Checks(pipeline);
            } else {
                installHttp2Checks(pipeline);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            install(ctx);
            ctx.fireChannelRead(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent completion && completion.isSuccess()) {
                install(ctx);
            }
            ctx.fireUserEventTriggered(event);
        }
    }

    /**
     * On a listener that takes h2c by prior knowledge: waits for the first 24 bytes. The HTTP/2
     * preface swaps the HTTP/1.1 checks for the HTTP/2 ones before any frame is decoded; anything
     * else goes on to the HTTP/1.1 checks.
     */
    private final class PriorKnowledgeSniffer extends ChannelInboundHandlerAdapter {

        private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

        private ByteBuf received;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf bytes)) {
                ctx.fireChannelRead(msg);
                return;
            }
            received = received == null ? bytes : ctx.alloc().compositeBuffer().addComponents(true, received, bytes);
            int length = Math.min(received.readableBytes(), PREFACE.readableBytes());
            boolean prefix = ByteBufUtil.equals(PREFACE, PREFACE.readerIndex(), received, received.readerIndex(), length);
            ChannelPipeline pipeline = ctx.pipeline();
            if (!prefix) {
                ByteBuf all = received;
                received = null;
                pipeline.remove(this);
                ctx.fireChannelRead(all);
            } else if (length == PREFACE.readableBytes()) {
                ByteBuf all = received;
                received = null;
                pipeline.remove(this);
                pipeline.remove("turnpike.requestLine");
                pipeline.remove("turnpike.hygiene");
                ctx.fireChannelRead(all.readRetainedSlice(length));
                installHttp2Checks(pipeline);
                if (all.isReadable()) {
                    ctx.fireChannelRead(all);
                } else {
                    all.release();
                }
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (received != null) {
                received.release();
                received = null;
            }
        }
    }
}
