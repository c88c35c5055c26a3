package dev.turnpike.l7.hygiene;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/** Puts the request checks around Netty's HTTP/1.1 decoder on every traffic connection. */
public final class HttpHardeningCustomizer implements NettyServerCustomizer {

    private final HttpHardening settings;

    public HttpHardeningCustomizer(HttpHardening settings) {
        this.settings = settings;
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remote) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) == null) {
                return;
            }
            RequestHygieneHandler hygiene = new RequestHygieneHandler(settings);
            channel.pipeline().addAfter(NettyPipeline.HttpCodec, "turnpike.hygiene", hygiene);
            channel.pipeline().addBefore(NettyPipeline.HttpCodec, "turnpike.requestLine", new RequestLineCheck(hygiene));
        });
    }
}
