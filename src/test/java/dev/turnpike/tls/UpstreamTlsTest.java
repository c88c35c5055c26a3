package dev.turnpike.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnpike.support.Gateway;
import io.netty.handler.ssl.ClientAuth;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * Re-encryption toward backends that speak only TLS: certificates verified (authority and host
 * name) by default, a server name to verify instead of the address, mutual TLS, and the explicit
 * opt-out; health checks and warm-up over the same TLS.
 */
class UpstreamTlsTest {

    @TempDir
    static Path files;

    private static final LoopResources loops = LoopResources.create("tls-backends", 1, true);
    private static X509Bundle authority;
    private static X509Bundle clientAuthority;
    private static DisposableServer valid;
    private static DisposableServer wrongHost;
    private static DisposableServer untrusted;
    private static DisposableServer mutual;
    private static final AtomicInteger mutualHandshakes = new AtomicInteger();
    private static final AtomicInteger validRequests = new AtomicInteger();
    private static final AtomicInteger validConnections = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        authority = new CertificateBuilder().subject("CN=Backend Authority").setIsCertificateAuthority(true).ecp256().buildSelfSigned();
        clientAuthority = new CertificateBuilder().subject("CN=Client Authority").setIsCertificateAuthority(true).ecp256().buildSelfSigned();
        X509Bundle other = new CertificateBuilder().subject("CN=Unknown Authority").setIsCertificateAuthority(true).ecp256().buildSelfSigned();
        write("backend-ca.crt", authority.getCertificatePEM());

        valid = backend(leaf("CN=backend.test", authority, "backend.test", "127.0.0.1"), null, "valid");
        wrongHost = backend(leaf("CN=other.test", authority, "other.test", null), null, "wrong-host");
        untrusted = backend(leaf("CN=backend.test", other, "backend.test", "127.0.0.1"), null, "untrusted");
        mutual = backend(leaf("CN=backend.test", authority, "backend.test", "127.0.0.1"), clientAuthority, "mutual");

        X509Bundle client = leaf("CN=gateway", clientAuthority, "gateway.test", null);
        write("client.crt", client.getCertificatePathPEM());
        write("client.key", client.getPrivateKeyPEM());
        X509Bundle stranger = leaf("CN=stranger", other, "stranger.test", null);
        write("stranger.crt", stranger.getCertificatePathPEM());
        write("stranger.key", stranger.getPrivateKeyPEM());
    }

    @AfterAll
    static void stop() {
        for (DisposableServer server : new DisposableServer[] {valid, wrongHost, untrusted, mutual}) {
            server.disposeNow();
        }
        loops.dispose();
    }

    @Test
    void verifiesTheBackendCertificateAndHostNameWithTheTrustBundle() {
        Map<String, Object> properties = gatewayTo(Map.of(
                "valid", valid, "wrong-host", wrongHost, "untrusted", untrusted));
        for (String pool : new String[] {"valid", "wrong-host", "untrusted"}) {
            properties.put("turnpike.upstreams." + pool + ".tls.trust-bundle", "backend-trust");
        }
        properties.put("turnpike.upstreams.named.servers[0].address", "127.0.0.1:" + wrongHost.port());
        properties.put("turnpike.upstreams.named.tls.trust-bundle", "backend-trust");
        properties.put("turnpike.upstreams.named.tls.server-name", "other.test");
        Gateway.route(properties, 3, "named", "named", "/named/**");
        try (Gateway gateway = Gateway.start(properties)) {
            assertThat(gateway.get("/valid/x").body()).isEqualTo("valid");
            assertThat(gateway.get("/wrong-host/x").statusCode()).as("certificate for another host").isEqualTo(502);
            assertThat(gateway.get("/untrusted/x").statusCode()).as("certificate from an unknown authority").isEqualTo(502);
            assertThat(gateway.get("/named/x").body()).as("verified against the configured server name").isEqualTo("wrong-host");
        }
    }

    @Test
    void tlsTrueAloneTrustsOnlyTheJdkAuthoritiesAndSkippingVerificationIsExplicit() {
        Map<String, Object> properties = gatewayTo(Map.of("valid", valid, "untrusted", untrusted));
        properties.put("turnpike.upstreams.valid.tls", "true");
        properties.remove("turnpike.upstreams.untrusted.tls.enabled");
        properties.put("turnpike.upstreams.untrusted.tls.insecure-skip-verify", "true");
        try (Gateway gateway = Gateway.start(properties)) {
            assertThat(gateway.get("/valid/x").statusCode()).as("test authority is not a JDK authority").isEqualTo(502);
            assertThat(gateway.get("/untrusted/x").body()).isEqualTo("untrusted");
        }
    }

    @Test
    void presentsTheClientCertificateForMutualTls() {
        Map<String, Object> properties = gatewayTo(Map.of("with-client", mutual, "without-client", mutual, "stranger", mutual));
        for (String pool : new String[] {"with-client", "without-client", "stranger"}) {
            properties.put("turnpike.upstreams." + pool + ".tls.trust-bundle", "backend-trust");
        }
        properties.put("turnpike.upstreams.with-client.tls.client-bundle", "gateway-client");
        properties.put("turnpike.upstreams.stranger.tls.client-bundle", "stranger-client");
        properties.put("spring.ssl.bundle.pem.gateway-client.keystore.certificate", files.resolve("client.crt").toUri().toString());
        properties.put("spring.ssl.bundle.pem.gateway-client.keystore.private-key", files.resolve("client.key").toUri().toString());
        properties.put("spring.ssl.bundle.pem.stranger-client.keystore.certificate", files.resolve("stranger.crt").toUri().toString());
        properties.put("spring.ssl.bundle.pem.stranger-client.keystore.private-key", files.resolve("stranger.key").toUri().toString());
        try (Gateway gateway = Gateway.start(properties)) {
            assertThat(gateway.get("/with-client/x").body()).isEqualTo("mutual");
            assertThat(gateway.get("/without-client/x").statusCode()).isEqualTo(502);
            assertThat(gateway.get("/stranger/x").statusCode()).isEqualTo(502);
        }
    }

    @Test
    void healthChecksAndWarmUpUseTheSameTls() {
        int before = validRequests.get();
        Map<String, Object> properties = gatewayTo(Map.of("valid", valid));
        properties.put("turnpike.upstreams.valid.tls.trust-bundle", "backend-trust");
        properties.put("turnpike.upstreams.valid.health-check.type", "http");
        properties.put("turnpike.upstreams.valid.health-check.path", "/health");
        properties.put("turnpike.upstreams.valid.health-check.interval", "30s");
        properties.put("turnpike.upstreams.valid.warmup.connections", "2");
        try (Gateway gateway = Gateway.start(properties)) {
            Gateway.await(Duration.ofSeconds(10), () -> server(gateway).at("/warmConnections").asInt() == 2, "two warm connections");
            assertThat(validRequests.get() - before).as("health checks and warm-up reached the backend over TLS").isGreaterThanOrEqualTo(3);
            JsonNode server = server(gateway);
            assertThat(server.at("/lastCheck/passed").asBoolean()).as(server.toString()).isTrue();
            assertThat(server.at("/lastCheck/detail").asText()).isEqualTo("HTTP 200");
            assertThat(server.at("/warmConnections").asInt()).isEqualTo(2);
            int connections = validConnections.get();
            for (int i = 0; i < 3; i++) {
                assertThat(gateway.get("/valid/x").body()).isEqualTo("valid");
            }
            assertThat(validConnections.get()).as("requests use the warm TLS connections").isEqualTo(connections);
        }
    }

    @Test
    void aMissingTrustBundleStopsTheStartNamingTheKey() {
        Map<String, Object> properties = gatewayTo(Map.of("valid", valid));
        properties.put("turnpike.upstreams.valid.tls.trust-bundle", "nowhere");
        assertThatThrownBy(() -> Gateway.start(properties)).hasStackTraceContaining("turnpike.upstreams.valid.tls.trust-bundle")
                .hasStackTraceContaining("no SSL bundle named 'nowhere'");
    }

    private static JsonNode server(Gateway gateway) {
        return new ObjectMapper().readTree(gateway.management("/actuator/upstreams").body()).at("/upstreams/valid/servers/0");
    }

    // ---- set-up

    /** One pool per entry (its only server the backend), routed at /{pool}/**, with TLS on. */
    private static Map<String, Object> gatewayTo(Map<String, DisposableServer> pools) {
        Map<String, Object> properties = new java.util.LinkedHashMap<>();
        int route = 0;
        for (Map.Entry<String, DisposableServer> pool : new java.util.TreeMap<>(pools).entrySet()) {
            properties.put("turnpike.upstreams." + pool.getKey() + ".servers[0].address", "127.0.0.1:" + pool.getValue().port());
            properties.put("turnpike.upstreams." + pool.getKey() + ".tls.enabled", "true");
            Gateway.route(properties, route++, pool.getKey(), pool.getKey(), "/" + pool.getKey() + "/**");
        }
        properties.put("spring.ssl.bundle.pem.backend-trust.truststore.certificate", files.resolve("backend-ca.crt").toUri().toString());
        return properties;
    }

    private static X509Bundle leaf(String subject, X509Bundle issuer, String dnsName, String ipAddress) throws Exception {
        CertificateBuilder builder = new CertificateBuilder().subject(subject).ecp256().addSanDnsName(dnsName);
        if (ipAddress != null) {
            builder.addSanIpAddress(ipAddress);
        }
        return builder.buildIssuedBy(issuer);
    }

    /** A backend that speaks only TLS, answers its name, and with {@code clientAuthority} requires a client certificate from it. */
    private static DisposableServer backend(X509Bundle certificate, X509Bundle clientAuthority, String name) {
        Http11SslContextSpec spec = Http11SslContextSpec.forServer(certificate.getKeyPair().getPrivate(), certificate.getCertificatePath());
        if (clientAuthority != null) {
            spec.configure(builder -> builder.trustManager(clientAuthority.getCertificate()).clientAuth(ClientAuth.REQUIRE));
        }
        return HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                .doOnChannelInit((observer, channel, remote) -> {
                    if ("valid".equals(name)) {
                        validConnections.incrementAndGet();
                    }
                })
                .secure(ssl -> ssl.sslContext(spec))
                .handle((request, response) -> {
                    if ("valid".equals(name)) {
                        validRequests.incrementAndGet();
                    }
                    return response.sendString(Mono.just(name));
                })
                .bindNow();
    }

    private static void write(String name, String content) throws Exception {
        Files.writeString(files.resolve(name), content);
    }
}
