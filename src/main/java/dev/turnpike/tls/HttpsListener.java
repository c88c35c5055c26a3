package dev.turnpike.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.Shutdown;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.HttpHandler;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.netty.NettyPipeline;
import reactor.netty.http.HttpProtocol;

/**
 * The HTTPS listener: a second Reactor Netty server beside the plain one, serving the same
 * application (routes, filters) with the same connection-level request checks, and TLS from
 * {@link ServerCertificates}. It starts with the plain server and drains with it on shutdown.
 */
public final class HttpsListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HttpsListener.class);

    private final TlsSettings settings;
    private final ServerCertificates certificates;
    private final HttpHandler application;
    private final List<NettyServerCustomizer> customizers;
    private final ReactorResourceFactory resources;
    private final Shutdown shutdown;
    private final HandshakeCounter handshakes;
    private volatile WebServer server;
    private volatile Disposable ticketRotation;

    public HttpsListener(TlsSettings settings, ServerCertificates certificates, HttpHandler application,
                         List<NettyServerCustomizer> customizers, ReactorResourceFactory resources, Shutdown shutdown,
                         MeterRegistry registry) {
        this.handshakes = new HandshakeCounter(registry);
        this.settings = settings;
        this.certificates = certificates;
        this.application = application;
        this.customizers = customizers;
        this.resources = resources;
        this.shutdown = shutdown;
    }

    @Override
    public void start() {
        NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory(settings.port());
        if (settings.bind() != null) {
            try {
                factory.setAddress(InetAddress.getByName(settings.bind()));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("turnpike.tls.bind: unknown address " + settings.bind(), e);
            }
        }
        factory.setResourceFactory(resources);
        factory.setShutdown(shutdown);
        List<NettyServerCustomizer> all = new ArrayList<>();
        all.add(server -> certificates.secure(settings.http2()
                ? server.protocol(HttpProtocol.HTTP11, HttpProtocol.H2)
                : server.protocol(HttpProtocol.HTTP11))
                .doOnChannelInit((observer, channel, remote) ->
                        channel.pipeline().addBefore(NettyPipeline.ReactiveBridge, "turnpike.handshakes", handshakes)));
        all.addAll(customizers);
        factory.setServerCustomizers(all);
        WebServer started = factory.getWebServer(application);
        started.start();
        server = started;
        Duration check = settings.ticketKeyRotation().dividedBy(12);
        ticketRotation = Flux.interval(check, check, Schedulers.boundedElastic())
                .subscribe(tick -> certificates.rotateTicketKeys());
        log.info("HTTPS listening on port {} ({}, {})", started.getPort(), certificates.engineName(),
                settings.http2() ? "h2 and http/1.1" : "http/1.1");
    }

    @Override
    public void stop() {
        if (ticketRotation != null) {
            ticketRotation.dispose();
        }
        WebServer running = server;
        if (running != null) {
            running.stop();
            server = null;
        }
    }

    @Override
    public void stop(Runnable callback) {
        WebServer running = server;
        if (running == null || shutdown != Shutdown.GRACEFUL) {
            stop();
            callback.run();
            return;
        }
        running.shutDownGracefully(result -> {
            stop();
            callback.run();
        });
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** Starts after the plain server and stops beside it, so both drain at once. */
    @Override
    public int getPhase() {
        return WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE;
    }

    /** The bound port (the configured one, or the one picked for port 0); -1 when stopped. */
    public int port() {
        WebServer running = server;
        return running != null ? running.getPort() : -1;
    }
}
