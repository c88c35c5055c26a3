package dev.turnpike.l7.hygiene;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Puts the request checks around Netty's HTTP/1.1 decoder on every traffic connection: at once on
 * plain connections, and once ALPN has chosen HTTP/1.1 on TLS connections that offer h2.
 */
public final class HttpHardeningCustomizer implements NettyServerCustomizer {

    private final HttpHardening settings;

    public HttpHardeningCustomizer(HttpHardening settings) {
        this.settings = settings;
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remote) -> {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) instanceof HttpServerCodec) {
                installHttp11Checks(pipeline);
            } else if (pipeline.get(NettyPipeline.H2OrHttp11Codec) != null) {
                pipeline.addAfter(NettyPipeline.H2OrHttp11Codec, "turnpike.afterAlpn", new AfterProtocolNegotiation());
            }
        });
    }

    private void installHttp11Checks(ChannelPipeline pipeline) {
        RequestHygieneHandler hygiene = new RequestHygieneHandler(settings);
        pipeline.addAfter(NettyPipeline.HttpCodec, "turnpike.hygiene", hygiene);
        pipeline.addBefore(NettyPipeline.HttpCodec, "turnpike.requestLine", new RequestLineCheck(hygiene));
    }

    /** Sees the handshake's end just after the pipeline was set up for the negotiated protocol. */
    private final class AfterProtocolNegotiation extends ChannelInboundHandlerAdapter {

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent) {
                ChannelPipeline pipeline = ctx.pipeline();
                pipeline.remove(this);
                if (pipeline.get(NettyPipeline.HttpCodec) instanceof HttpServerCodec) {
                    installHttp11Checks(pipeline);
                }
            }
            ctx.fireUserEventTriggered(event);
        }
    }
}
