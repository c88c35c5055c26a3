package dev.turnpike.l4;

import static dev.turnpike.support.L4Gateway.key;
import static dev.turnpike.support.L4Gateway.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.turnpike.support.TrustEverything;
import dev.turnpike.support.ClientHellos;
import dev.turnpike.support.Gateway;
import dev.turnpike.support.L4Gateway;
import dev.turnpike.support.TcpBackend;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A TLS-passthrough listener between real TLS backends, each holding its own self-signed certificate made
 * here: the gateway holds none, reads only the ClientHello, and the client sees the chosen backend's certificate.
 */
class TlsPassthroughTest {

    private static final Map<String, X509Bundle> certificates = new LinkedHashMap<>();
    private static final Map<String, TcpBackend> backends = new LinkedHashMap<>();
    private static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        for (String name : List.of("api", "internal", "fallback")) {
            X509Bundle bundle = new CertificateBuilder().subject("CN=" + name + ".test").addSanDnsName(name + ".test")
                    .ecp256().setIsCertificateAuthority(true).buildSelfSigned();
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(bundle.toKeyManagerFactory().getKeyManagers(), null, null);
            certificates.put(name, bundle);
            backends.put(name, TcpBackend.tls(context, socket -> {
                socket.getOutputStream().write(("served by " + name + "\n").getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
                socket.getInputStream().read();
            }));
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        backends.forEach((name, backend) ->
                properties.putAll(L4Gateway.upstream(name, backend.address())));
        properties.putAll(passthroughListener(0, "sni"));
        properties.put(key(0, "sni-routes[0].server-names[0]"), "api.example.com");
        properties.put(key(0, "sni-routes[0].upstream"), "api");
        properties.put(key(0, "sni-routes[1].server-names[0]"), "*.internal.example.com");
        properties.put(key(0, "sni-routes[1].upstream"), "internal");
        properties.put(key(0, "default-upstream"), "fallback");
        properties.putAll(passthroughListener(1, "strict"));
        properties.put(key(1, "sni-routes[0].server-names[0]"), "API.example.com");
        properties.put(key(1, "sni-routes[0].upstream"), "api");
        properties.put(key(1, "client-hello.timeout"), "500ms");
        gateway = Gateway.start(properties);
    }

    private static Map<String, Object> passthroughListener(int index, String name) {
        return Map.of(key(index, "name"), name, key(index, "port"), 0, key(index, "bind"), "127.0.0.1",
                key(index, "mode"), "tls-passthrough");
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        for (TcpBackend backend : backends.values()) {
            backend.close();
        }
    }

    /** Completes a TLS handshake through the listener and returns the certificate the client was shown. */
    private static Handshake handshake(String listener, String serverName) throws Exception {
        SSLSocket socket = (SSLSocket) TrustEverything.context().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port(gateway, listener));
        socket.setSoTimeout(10_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        socket.setSSLParameters(parameters);
        try (socket) {
            socket.startHandshake();
            Certificate[] chain = socket.getSession().getPeerCertificates();
            String greeting = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            return new Handshake((X509Certificate) chain[0], greeting);
        }
    }

    record Handshake(X509Certificate certificate, String greeting) {
    }

    @Test
    void anExactNameReachesItsBackendAndTheClientSeesThatBackendsCertificate() throws Exception {
        Handshake handshake = handshake("sni", "api.example.com");
        assertThat(handshake.certificate()).isEqualTo(certificates.get("api").getCertificate());
        assertThat(handshake.greeting()).isEqualTo("served by api");
    }

    @Test
    void aWildcardMatchesNamesBelowIt() throws Exception {
        Handshake handshake = handshake("sni", "db.eu.internal.example.com");
        assertThat(handshake.certificate()).isEqualTo(certificates.get("internal").getCertificate());
        assertThat(handshake("sni", "internal.example.com").greeting()).isEqualTo("served by fallback");
    }

    @Test
    void unknownNamesAndHellosWithoutSniGoToTheDefault() throws Exception {
        assertThat(handshake("sni", "elsewhere.example.org").certificate())
                .isEqualTo(certificates.get("fallback").getCertificate());
        assertThat(handshake("sni", null).greeting()).isEqualTo("served by fallback");
    }

    @Test
    void withoutADefaultAnUnknownNameIsClosedAndCounted() throws Exception {
        assertThat(handshake("strict", "api.example.com").greeting()).isEqualTo("served by api");
        assertThatThrownBy(() -> handshake("strict", "other.example.com"))
                .isInstanceOfAny(SSLException.class, SocketException.class);
        Gateway.await(Duration.ofSeconds(5), () -> stats("strict").results().containsKey("none|no-route"),
                "a no-route count");
        assertThat(stats("strict").sniResults()).containsEntry("no-match", 1L);
    }

    @Test
    void aClientHelloWrittenOneByteAtATimeIsRoutedAndForwardedIntact() throws Exception {
        byte[] hello = ClientHellos.hello("api.example.com");
        assertThat(forwardedThrough(hello, 1)).isEqualTo("served by api");
    }

    @Test
    void aLargeClientHelloOverSeveralRecordsAndSegmentsIsRouted() throws Exception {
        byte[] handshake = ClientHellos.padded(ClientHellos.handshake(ClientHellos.hello("x.internal.example.com")), 9000);
        assertThat(forwardedThrough(ClientHellos.records(handshake, 3000), 1400)).isEqualTo("served by internal");
    }

    /**
     * Writes a hello in pieces of {@code piece} bytes with pauses and returns which backend answered. A TLS
     * backend answers with a ServerHello only to a ClientHello it accepts, so one proves the bytes arrived intact.
     */
    private static String forwardedThrough(byte[] hello, int piece) throws Exception {
        Map<String, Integer> acceptedBefore = new LinkedHashMap<>();
        backends.forEach((name, backend) -> acceptedBefore.put(name, backend.accepted()));
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port(gateway, "sni"))) {
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            for (int offset = 0; offset < hello.length; offset += piece) {
                out.write(hello, offset, Math.min(piece, hello.length - offset));
                out.flush();
                if (offset < 64 || piece > 1) {
                    Thread.sleep(1);
                }
            }
            InputStream in = socket.getInputStream();
            byte[] header = in.readNBytes(6);
            assertThat(header[0]).as("a TLS handshake record from the backend").isEqualTo((byte) 22);
            assertThat(header[5]).as("a ServerHello").isEqualTo((byte) 2);
        }
        List<String> answered = backends.entrySet().stream()
                .filter(entry -> entry.getValue().accepted() > acceptedBefore.get(entry.getKey()))
                .map(Map.Entry::getKey).toList();
        assertThat(answered).hasSize(1);
        return "served by " + answered.get(0);
    }

    @Test
    void garbageAndOversizedHellosAreClosedWhileTheListenerKeepsServing() throws Exception {
        long before = stats("sni").results().getOrDefault("none|bad-client-hello", 0L);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port(gateway, "sni"))) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readOrReset(socket)).isEqualTo(-1);
        }
        byte[] oversized = ClientHellos.records(
                ClientHellos.padded(ClientHellos.handshake(ClientHellos.hello("api.example.com")), 40_000), 16384);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port(gateway, "sni"))) {
            socket.setSoTimeout(10_000);
            try {
                socket.getOutputStream().write(oversized);
            } catch (SocketException closedWhileWriting) {
                // the gateway may close before it has read everything
            }
            assertThat(readOrReset(socket)).isEqualTo(-1);
        }
        Gateway.await(Duration.ofSeconds(5),
                () -> stats("sni").results().getOrDefault("none|bad-client-hello", 0L) == before + 2, "two bad-hello counts");
        assertThat(backends.values().stream().mapToInt(TcpBackend::accepted).sum()).isPositive();
        assertThat(handshake("sni", "api.example.com").greeting()).isEqualTo("served by api");
    }

    @Test
    void aClientsBadHelloIsNotAWarningButIsInTheAccessLog() throws Exception {
        ListAppender<ILoggingEvent> handlerLog = new ListAppender<>();
        ListAppender<ILoggingEvent> accessLog = new ListAppender<>();
        Logger handler = (Logger) LoggerFactory.getLogger(FrontendHandler.class);
        Logger access = (Logger) LoggerFactory.getLogger("turnpike.access.l4");
        handlerLog.start();
        accessLog.start();
        handler.addAppender(handlerLog);
        access.addAppender(accessLog);
        try {
            long before = stats("sni").results().getOrDefault("none|bad-client-hello", 0L);
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port(gateway, "sni"))) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readOrReset(socket)).isEqualTo(-1);
            }
            Gateway.await(Duration.ofSeconds(5),
                    () -> stats("sni").results().getOrDefault("none|bad-client-hello", 0L) == before + 1, "a bad-hello count");
            Gateway.await(Duration.ofSeconds(5), () -> accessLog.list.stream()
                    .anyMatch(event -> event.getFormattedMessage().contains("bad-client-hello")), "an access log line");
            assertThat(handlerLog.list).noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.WARN));
        } finally {
            handler.detachAppender(handlerLog);
            access.detachAppender(accessLog);
        }
    }

    @Test
    void aClientThatSendsNoHelloIsClosedAfterTheTimeout() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port(gateway, "strict"))) {
            socket.setSoTimeout(10_000);
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return readOrReset(socket);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(-1);
        }
        assertThat(stats("strict").results()).containsEntry("none|preamble-timeout", 1L);
    }

    private static ListenerStats stats(String listener) {
        return gateway.context().getBean(L4Listeners.class).listeners().stream()
                .filter(l -> l.settings().name().equals(listener)).findFirst().orElseThrow().stats();
    }

    private static int readOrReset(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read();
        } catch (SocketException reset) {
            return -1;
        }
    }
}
