package dev.turnpike.warmup;

import dev.turnpike.tls.HttpsListener;
import dev.turnpike.tls.ServerCertificates;
import dev.turnpike.tls.TlsSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.util.List;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.Shutdown;
import org.springframework.boot.web.server.WebServer;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.HttpHandler;

/**
 * The gateway's HTTP server, and its HTTPS listener when TLS is on, once more on loopback ports of the
 * system's choosing: the same application, the same connection customizers, the same event loops.
 */
final class LoopbackServers implements AutoCloseable {

    private final WebServer http;
    private final HttpsListener https;

    /** @param tls the HTTPS listener's settings, or null when TLS is off */
    LoopbackServers(HttpHandler application, List<NettyServerCustomizer> customizers, ReactorResourceFactory resources,
                    TlsSettings tls, ServerCertificates certificates) {
        NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory(0);
        factory.setAddress(InetAddress.getLoopbackAddress());
        factory.setResourceFactory(resources);
        factory.setServerCustomizers(customizers);
        http = factory.getWebServer(application);
        http.start();
        if (tls != null) {
            https = new HttpsListener(tls.onLoopback(), certificates, application, customizers, resources,
                    Shutdown.IMMEDIATE, new SimpleMeterRegistry());
            https.start();
        } else {
            https = null;
        }
    }

    int httpPort() {
        return http.getPort();
    }

    /** The HTTPS port, or -1 when TLS is off. */
    int httpsPort() {
        return https == null ? -1 : https.port();
    }

    @Override
    public void close() {
        if (https != null) {
            https.stop();
        }
        http.stop();
    }
}
