package dev.turnpike.warmup;

import dev.turnpike.tls.TlsEngine;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The warm-up's HTTPS client: Reactor Netty over OpenSSL (the JDK's TLS where OpenSSL cannot load), to the
 * gateway's own listeners on the loopback address. Half of its new connections resume the session of the last
 * one, as browsers and load generators do, and half make a full handshake, as new clients do. Its own side of a
 * handshake costs a fraction of what the JDK's TLS takes, which leaves the core to the gateway's code and to the
 * JIT compiler.
 */
final class LoopbackTlsClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Consumer<HttpHeaders> CLOSE = h -> h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);

    private final SslContext resuming = context(true);
    private final SslContext full = context(false);
    private final ConnectionProvider keptAlive = ConnectionProvider.create(StartupWarmup.NAME + "-tls", 8);

    LoopbackTlsClient() throws SSLException {
    }

    /**
     * Accepts whatever certificate it is shown: it only ever talks to this process's own listeners on the
     * loopback address, and sends nothing of value.
     */
    private static SslContext context(boolean resume) throws SSLException {
        SslContext context = SslContextBuilder.forClient()
                .sslProvider(TlsEngine.AUTO.nettyProvider())
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .build();
        if (context.sessionContext() instanceof OpenSslSessionContext sessions) {
            sessions.setSessionCacheEnabled(resume); // the JDK's client always offers its last session
        }
        return context;
    }

    /**
     * One GET on a new connection, which the gateway closes after its response ({@code Connection: close});
     * resumed and full handshakes take turns.
     */
    Exchange newConnection(int port, Map<String, String> headers) {
        HttpClient resumed = client(resuming, ConnectionProvider.newConnection(), port, headers).headers(CLOSE);
        HttpClient fresh = client(full, ConnectionProvider.newConnection(), port, headers).headers(CLOSE);
        AtomicLong turns = new AtomicLong();
        return () -> {
            get(turns.getAndIncrement() % 2 == 0 ? resumed : fresh);
            return 1;
        };
    }

    /** {@code requests} GETs on connections kept open from one exchange to the next. */
    Exchange keptAlive(int port, int requests, Map<String, String> headers) {
        HttpClient client = client(resuming, keptAlive, port, headers);
        return () -> {
            for (int i = 0; i < requests; i++) {
                get(client);
            }
            return requests;
        };
    }

    private static HttpClient client(SslContext context, ConnectionProvider connections, int port,
                                     Map<String, String> headers) {
        return HttpClient.create(connections)
                .secure(spec -> spec.sslContext(context))
                .baseUrl("https://127.0.0.1:" + port)
                .headers(h -> headers.forEach(h::set));
    }

    private static void get(HttpClient client) throws IOException {
        Integer status = client.get().uri("/")
                .responseSingle((response, body) -> body.asByteArray().thenReturn(response.status().code()))
                .block(TIMEOUT);
        if (status == null || status != 200) {
            throw new IOException("response " + status);
        }
    }

    @Override
    public void close() {
        keptAlive.disposeLater().block(TIMEOUT);
    }
}
