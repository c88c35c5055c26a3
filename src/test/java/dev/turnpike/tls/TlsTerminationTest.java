package dev.turnpike.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.RawHttp;
import dev.turnpike.support.RecordingBackend;
import dev.turnpike.support.TrustEverything;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTPS listener with real handshakes: certificates by SNI, reload, self-signed, versions, redirects. */
class TlsTerminationTest {

    private static X509Bundle authority;
    private RecordingBackend backend;

    @TempDir
    Path files;

    @BeforeAll
    static void authority() throws Exception {
        authority = new CertificateBuilder().subject("CN=Test Authority").setIsCertificateAuthority(true).ecp256().buildSelfSigned();
    }

    @BeforeEach
    void start() {
        backend = new RecordingBackend();
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void presentsTheCertificateNamedBySniAndTheDefaultOtherwise(String engine) throws Exception {
        Map<String, Object> properties = tls(engine);
        bundle(properties, "main", "gateway.test", "localhost");
        bundle(properties, "api", "*.api.test");
        bundle(properties, "exact", "exact.test");
        properties.put("turnpike.tls.sni[0].server-names", "*.api.test");
        properties.put("turnpike.tls.sni[0].bundle", "api");
        properties.put("turnpike.tls.sni[1].server-names", "exact.test,EXACT2.test");
        properties.put("turnpike.tls.sni[1].bundle", "exact");
        try (Gateway gateway = Gateway.start(properties)) {
            assertThat(presented(gateway.tlsPort(), "v1.api.test")).isEqualTo("CN=*.api.test");
            assertThat(presented(gateway.tlsPort(), "deep.v1.api.test")).isEqualTo("CN=*.api.test");
            assertThat(presented(gateway.tlsPort(), "exact.test")).isEqualTo("CN=exact.test");
            assertThat(presented(gateway.tlsPort(), "exact2.test")).isEqualTo("CN=exact.test");
            assertThat(presented(gateway.tlsPort(), "api.test")).isEqualTo("CN=gateway.test");
            assertThat(presented(gateway.tlsPort(), null)).isEqualTo("CN=gateway.test");

            HttpResponse<String> response = https(gateway.tlsPort(), "/hello?x=1", HttpClient.Version.HTTP_1_1);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            RecordingBackend.Received received = backend.received().get(backend.received().size() - 1);
            assertThat(received.uri()).isEqualTo("/hello?x=1");
            assertThat(received.header("X-Forwarded-Proto")).isEqualTo("https");

            HttpResponse<String> h2 = https(gateway.tlsPort(), "/h2", HttpClient.Version.HTTP_2);
            assertThat(h2.statusCode()).isEqualTo(200);
            assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(gateway.get("/plain").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void offersOnlyTls12AndTls13() throws Exception {
        Map<String, Object> properties = tls("openssl");
        bundle(properties, "main", "gateway.test");
        try (Gateway gateway = Gateway.start(properties)) {
            for (int version : new int[] {0x0301, 0x0302}) {
                byte[] answer = answerTo(gateway.tlsPort(), RawClientHello.of(version));
                assertThat(answer.length == 0 || answer[0] == 0x15)
                        .as("TLS 0x%04x must get an alert or a close, got %s", version, hex(answer)).isTrue();
            }
            byte[] tls12 = answerTo(gateway.tlsPort(), RawClientHello.of(0x0303));
            assertThat(tls12[0]).as("a TLS 1.2 hello gets a ServerHello").isEqualTo((byte) 0x16);
            assertThat(tls12[5]).isEqualTo((byte) 0x02);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aClientThatStallsInItsHandshakeIsClosedAfterTheTimeout(boolean certificatesByName) throws Exception {
        Map<String, Object> properties = tls("openssl");
        bundle(properties, "main", "gateway.test");
        if (certificatesByName) {
            bundle(properties, "api", "api.test");
            properties.put("turnpike.tls.sni[0].server-names", "api.test");
            properties.put("turnpike.tls.sni[0].bundle", "api");
        }
        properties.put("turnpike.tls.handshake-timeout", "1s");
        try (Gateway gateway = Gateway.start(properties);
             Socket stalled = new Socket("127.0.0.1", gateway.tlsPort())) {
            byte[] hello = RawClientHello.of(0x0303);
            stalled.getOutputStream().write(hello, 0, certificatesByName ? 20 : hello.length);
            stalled.setSoTimeout(8000);
            long start = System.nanoTime();
            InputStream in = stalled.getInputStream();
            int read;
            do {
                read = in.read(); // the ServerHello, when the hello went whole; then the close
            } while (read != -1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(6));
        }
    }

    @Test
    void returningClientsResumeWithASessionTicketAndHandshakesAreCounted() throws Exception {
        Map<String, Object> properties = tls("openssl");
        bundle(properties, "main", "localhost");
        try (Gateway gateway = Gateway.start(properties)) {
            SSLContext client = TrustEverything.context();
            for (int i = 0; i < 3; i++) {
                try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("localhost", gateway.tlsPort())) {
                    socket.setSoTimeout(10_000);
                    assertThat(exchange(socket)).startsWith("HTTP/1.1 200");
                }
            }
            answerTo(gateway.tlsPort(), RawClientHello.of(0x0302));
            String metrics = gateway.management("/actuator/prometheus").body();
            assertThat(counter(metrics, "full")).isEqualTo(1);
            assertThat(counter(metrics, "resumed")).isEqualTo(2);
            assertThat(counter(metrics, "failed")).isEqualTo(1);
        }
    }

    private static double counter(String metrics, String result) {
        return Gateway.sampleSum(metrics, "turnpike_tls_handshakes_total", "result=\"" + result + "\"");
    }

    @Test
    void replacedCertificateFilesServeNewHandshakesWhileOpenConnectionsKeepWorking() throws Exception {
        Map<String, Object> properties = tls("openssl");
        bundle(properties, "main", "first.test", "localhost");
        properties.put("spring.ssl.bundle.watch.file.quiet-period", "200ms");
        try (Gateway gateway = Gateway.start(properties);
             SSLSocket open = socket(gateway.tlsPort(), "localhost")) {
            assertThat(open.getSession().getPeerPrincipal().getName()).isEqualTo("CN=first.test");
            assertThat(exchange(open)).startsWith("HTTP/1.1 200");

            writeCertificate("main", "second.test", "localhost");
            Gateway.await(Duration.ofSeconds(15), () -> "CN=second.test".equals(presentedQuietly(gateway.tlsPort())),
                    "new handshakes present the replaced certificate");

            assertThat(exchange(open)).as("the connection opened before still works").startsWith("HTTP/1.1 200");
            assertThat(open.getSession().getPeerPrincipal().getName()).isEqualTo("CN=first.test");
        }
    }

    @Test
    void makesASelfSignedCertificateOnceKeepsItPrivateAndReusesItAfterARestart() throws Exception {
        Path directory = files.resolve("state/tls");
        Map<String, Object> properties = tls("openssl");
        properties.put("turnpike.tls.self-signed.directory", directory.toString());
        properties.put("turnpike.tls.self-signed.host-names", "gateway.example");
        X509Certificate first;
        try (Gateway gateway = Gateway.start(properties)) {
            first = peerCertificate(gateway.tlsPort(), "gateway.example");
            assertThat(first.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))))
                    .contains("gateway.example", "localhost", "127.0.0.1");
            assertThat(https(gateway.tlsPort(), "/", HttpClient.Version.HTTP_1_1, trusting(first)).statusCode()).isEqualTo(200);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("self-signed.key")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("self-signed.crt")))).isEqualTo("rw-------");
        try (Gateway again = Gateway.start(properties)) {
            assertThat(peerCertificate(again.tlsPort(), "gateway.example")).isEqualTo(first);
        }
        properties.put("turnpike.tls.self-signed.host-names", "gateway.example,other.example");
        try (Gateway renamed = Gateway.start(properties)) {
            X509Certificate remade = peerCertificate(renamed.tlsPort(), "other.example");
            assertThat(remade).isNotEqualTo(first);
            assertThat(remade.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1)))).contains("other.example");
        }
    }

    @Test
    void redirectsEveryPlainHttpRequestWhenConfiguredGlobally() throws Exception {
        Map<String, Object> properties = tls("openssl");
        bundle(properties, "main", "localhost");
        properties.put("turnpike.tls.redirect-http", "true");
        properties.put("turnpike.tls.redirect-port", "443");
        properties.put("turnpike.trusted-proxies", "127.0.0.1/32");
        try (Gateway gateway = Gateway.start(properties)) {
            RawHttp.Exchange get = RawHttp.send(gateway.port(), "GET /a/b?c=d HTTP/1.1\r\nHost: shop.example:8080\r\nConnection: close\r\n\r\n");
            assertThat(get.status()).isEqualTo(301);
            assertThat(get.header("Location")).isEqualTo("https://shop.example/a/b?c=d");
            RawHttp.Exchange post = RawHttp.send(gateway.port(), "POST /form HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            assertThat(post.status()).isEqualTo(308);
            assertThat(post.header("Location")).isEqualTo("https://shop.example/form");
            assertThat(gateway.get("/.well-known/acme-challenge/token").statusCode()).isEqualTo(200);
            assertThat(gateway.get("/behind-tls-proxy", "X-Forwarded-Proto", "https").statusCode())
                    .as("a trusted proxy received it over HTTPS").isEqualTo(200);
            assertThat(gateway.get("/behind-plain-proxy", "X-Forwarded-Proto", "http").statusCode()).isEqualTo(301);
            assertThat(https(gateway.tlsPort(), "/a", HttpClient.Version.HTTP_1_1).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void redirectsOnlyTheRoutesWithTheHttpsRedirectFilter() throws Exception {
        Map<String, Object> perRoute = tls("openssl");
        perRoute.put("turnpike.trusted-proxies", "10.0.0.0/8");
        bundle(perRoute, "main", "localhost");
        Gateway.route(perRoute, 0, "secure", "pool", "/secure/**", "HttpsRedirect");
        Gateway.route(perRoute, 1, "open", "pool", "/**");
        try (Gateway gateway = Gateway.start(perRoute)) {
            RawHttp.Exchange secure = RawHttp.send(gateway.port(), "GET /secure/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(secure.status()).isEqualTo(301);
            assertThat(secure.header("Location")).isEqualTo("https://localhost:" + gateway.tlsPort() + "/secure/x");
            assertThat(gateway.get("/open").statusCode()).isEqualTo(200);
            RawHttp.Exchange untrusted = RawHttp.send(gateway.port(),
                    "GET /secure/x HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n");
            assertThat(untrusted.status()).as("X-Forwarded-Proto from a peer that is no trusted proxy").isEqualTo(301);
            assertThat(https(gateway.tlsPort(), "/secure/x", HttpClient.Version.HTTP_1_1).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aMissingBundleOrMismatchedKeyStopsTheStartWithTheKeyNamed() throws Exception {
        Map<String, Object> missing = tls("openssl");
        missing.put("turnpike.tls.bundle", "nowhere");
        assertThatThrownBy(() -> Gateway.start(missing)).hasStackTraceContaining("turnpike.tls.bundle")
                .hasStackTraceContaining("no SSL bundle named 'nowhere'");

        Map<String, Object> mismatched = tls("openssl");
        bundle(mismatched, "main", "one.test");
        bundle(mismatched, "other", "two.test");
        mismatched.put("spring.ssl.bundle.pem.main.keystore.private-key", files.resolve("other.key").toUri().toString());
        assertThatThrownBy(() -> Gateway.start(mismatched)).hasStackTraceContaining("turnpike.tls.bundle")
                .hasStackTraceContaining("does not belong to the certificate");
    }

    // ---- set-up

    private Map<String, Object> tls(String engine) {
        Map<String, Object> properties = Gateway.upstream("pool", backend.address());
        properties.put("turnpike.tls.enabled", "true");
        properties.put("turnpike.tls.port", "0");
        properties.put("turnpike.tls.engine", engine);
        properties.put("turnpike.tls.self-signed.directory", files.resolve("self-signed").toString());
        return properties;
    }

    /** A PEM bundle {@code name} in the temp directory, with a certificate for the names signed by the test authority. */
    private void bundle(Map<String, Object> properties, String name, String... hostNames) throws Exception {
        writeCertificate(name, hostNames);
        properties.put("spring.ssl.bundle.pem." + name + ".keystore.certificate", files.resolve(name + ".crt").toUri().toString());
        properties.put("spring.ssl.bundle.pem." + name + ".keystore.private-key", files.resolve(name + ".key").toUri().toString());
        if ("main".equals(name)) {
            properties.put("turnpike.tls.bundle", name);
        }
    }

    /** Writes (or atomically replaces) {@code name}.crt and .key. */
    private void writeCertificate(String name, String... hostNames) throws Exception {
        CertificateBuilder builder = new CertificateBuilder().subject("CN=" + hostNames[0]).ecp256()
                .setKeyUsage(true, CertificateBuilder.KeyUsage.digitalSignature)
                .addExtendedKeyUsage(CertificateBuilder.ExtendedKeyUsage.PKIX_KP_SERVER_AUTH);
        for (String host : hostNames) {
            if (!host.startsWith("*")) {
                builder.addSanDnsName(host);
            }
        }
        X509Bundle leaf = builder.buildIssuedBy(authority);
        replace(files.resolve(name + ".crt"), leaf.getCertificatePathPEM());
        replace(files.resolve(name + ".key"), leaf.getPrivateKeyPEM());
    }

    private void replace(Path target, String content) throws IOException {
        Path temporary = Files.createTempFile(files, ".new-", ".pem");
        Files.writeString(temporary, content);
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    // ---- clients

    private static SSLContext trustingAuthority() throws Exception {
        TrustManagerFactory trust = authority.toTrustManagerFactory();
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static SSLContext trusting(X509Certificate certificate) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("self-signed", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** A handshake (no host-name check) with the given SNI, or none when null. */
    private static SSLSocket socket(int port, String serverName) throws Exception {
        SSLSocket socket = (SSLSocket) TrustEverything.context().getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static X509Certificate peerCertificate(int port, String serverName) throws Exception {
        try (SSLSocket socket = socket(port, serverName)) {
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static String presented(int port, String serverName) throws Exception {
        return peerCertificate(port, serverName).getSubjectX500Principal().getName();
    }

    private static String presentedQuietly(int port) {
        try {
            return presented(port, "localhost");
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** One keep-alive request on an open TLS connection; returns the status line. */
    private static String exchange(SSLSocket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write("GET /again HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        String text = head.toString().toLowerCase(java.util.Locale.ROOT);
        int at = text.indexOf("content-length:");
        if (at >= 0) {
            int length = Integer.parseInt(text.substring(at + 15, text.indexOf("\r\n", at)).trim());
            new DataInputStream(in).readFully(new byte[length]);
        }
        return head.toString();
    }

    private static HttpResponse<String> https(int port, String path, HttpClient.Version version) throws Exception {
        return https(port, path, version, trustingAuthority());
    }

    private static HttpResponse<String> https(int port, String path, HttpClient.Version version, SSLContext context) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(context).version(version).connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends the bytes and returns what comes back before the server closes or goes quiet. */
    private static byte[] answerTo(int port, byte[] hello) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(3000);
            socket.getOutputStream().write(hello);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                int n = socket.getInputStream().read(buffer);
                if (n > 0) {
                    answer.write(buffer, 0, n);
                }
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                // nothing more
            }
            return answer.toByteArray();
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 16); i++) {
            text.append(String.format("%02x", bytes[i]));
        }
        return text.toString();
    }

    /** A ClientHello built byte by byte, so that versions the JDK client no longer sends can be offered. */
    static final class RawClientHello {

        static byte[] of(int version) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            u16(body, version);
            byte[] random = new byte[32];
            ThreadLocalRandom.current().nextBytes(random);
            body.writeBytes(random);
            body.write(0);
            int[] suites = {0xc02b, 0xc02f, 0xc009, 0xc013, 0x002f};
            u16(body, suites.length * 2);
            for (int suite : suites) {
                u16(body, suite);
            }
            body.write(1);
            body.write(0);
            ByteArrayOutputStream extensions = new ByteArrayOutputStream();
            extension(extensions, 0x000a, new byte[] {0, 2, 0, 0x17});
            extension(extensions, 0x000b, new byte[] {1, 0});
            extension(extensions, 0x000d, new byte[] {0, 4, 0x04, 0x03, 0x08, 0x04});
            u16(body, extensions.size());
            body.writeBytes(extensions.toByteArray());

            ByteArrayOutputStream record = new ByteArrayOutputStream();
            record.write(0x16);
            u16(record, 0x0301);
            u16(record, body.size() + 4);
            record.write(0x01);
            record.write(0);
            u16(record, body.size());
            record.writeBytes(body.toByteArray());
            return record.toByteArray();
        }

        private static void extension(ByteArrayOutputStream out, int type, byte[] data) {
            u16(out, type);
            u16(out, data.length);
            out.writeBytes(data);
        }

        private static void u16(ByteArrayOutputStream out, int value) {
            out.write(value >> 8);
            out.write(value & 0xff);
        }
    }
}
