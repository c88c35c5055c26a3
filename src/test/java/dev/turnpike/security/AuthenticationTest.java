package dev.turnpike.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.turnpike.support.Gateway;
import dev.turnpike.support.RecordingBackend;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** Real tokens signed here (HS256, RS256, ES256, a JWKS served by a test server), real API keys and Basic users. */
class AuthenticationTest {

    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!!";
    private static final String ISSUER = "https://issuer.test";

    private static RecordingBackend backend;
    private static Gateway gateway;
    private static RSAKey rsa;
    private static ECKey ec;
    private static final AtomicReference<JWKSet> published = new AtomicReference<>();
    private static final AtomicInteger jwksFetches = new AtomicInteger();
    private static DisposableServer jwksServer;

    @BeforeAll
    static void start() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        published.set(new JWKSet(List.of(rsa.toPublicJWK())));
        jwksServer = HttpServer.create().host("127.0.0.1").port(0)
                .route(r -> r.get("/jwks", (req, res) -> {
                    jwksFetches.incrementAndGet();
                    return res.header("Content-Type", "application/json")
                            .sendString(Mono.just(published.get().toString(true)));
                }))
                .bindNow();
        backend = new RecordingBackend();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("turnpike.upstreams.api.servers[0].address", backend.address());
        p.put("turnpike.security.jwt.hs.secret", SECRET);
        p.put("turnpike.security.jwt.hs.issuer", ISSUER);
        p.put("turnpike.security.jwt.hs.audiences", "api");
        p.put("turnpike.security.jwt.rs.public-key", pem(rsa));
        p.put("turnpike.security.jwt.es.public-key", pem(ec));
        p.put("turnpike.security.jwt.remote.jwks-uri", "http://127.0.0.1:" + jwksServer.port() + "/jwks");
        p.put("turnpike.security.jwt.remote.strip-credential", "true");
        p.put("turnpike.security.api-keys.partners.keys[0].client", "acme");
        p.put("turnpike.security.api-keys.partners.keys[0].sha256", sha256("acme-key-123"));
        p.put("turnpike.security.api-keys.partners.keys[1].client", "globex");
        p.put("turnpike.security.api-keys.partners.keys[1].sha256", sha256("globex-key-456"));
        p.put("turnpike.security.api-keys.partners.query-parameter", "api_key");
        p.put("turnpike.security.api-keys.partners.strip-credential", "true");
        p.put("turnpike.security.basic.ops.users[0].name", "alice");
        p.put("turnpike.security.basic.ops.users[0].password", "{bcrypt}" + new BCryptPasswordEncoder(4).encode("wonderland"));
        p.put("turnpike.security.blocked-users", "mallory");
        Gateway.route(p, 0, "hs", "api", "/hs/**", "Authenticate=hs");
        Gateway.route(p, 1, "any", "api", "/any/**", "Authenticate=rs,es,partners,ops");
        Gateway.route(p, 2, "remote", "api", "/remote/**", "Authenticate=remote");
        Gateway.route(p, 3, "scoped", "api", "/scoped/**", "Authenticate=hs", "RequireScopes=orders.write", "RequireClaim=tenant,acme");
        Gateway.route(p, 4, "open", "api", "/open/**");
        gateway = Gateway.start(p);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
        jwksServer.disposeNow();
    }

    @BeforeEach
    void clear() {
        backend.clear();
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes()));
    }

    private static String pem(com.nimbusds.jose.jwk.AsymmetricJWK key) throws Exception {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.toPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static JWTClaimsSet.Builder claims(String subject) {
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience("api")
                .expirationTime(Date.from(Instant.now().plusSeconds(300)));
    }

    private static String sign(JWSSigner signer, JWSAlgorithm algorithm, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String hs(JWTClaimsSet claims) throws Exception {
        return sign(new MACSigner(SECRET.getBytes()), JWSAlgorithm.HS256, null, claims);
    }

    private static HttpResponse<String> get(String path, String... headers) {
        return gateway.get(path, headers);
    }

    @Test
    void anHs256TokenIsAcceptedAndTheBackendLearnsTheSubject() throws Exception {
        HttpResponse<String> response = get("/hs/x", "Authorization", "Bearer " + hs(claims("user-1").claim("scope", "a b").build()));
        assertThat(response.statusCode()).isEqualTo(200);
        RecordingBackend.Received received = backend.received().get(0);
        assertThat(received.header("X-Auth-Subject")).isEqualTo("user-1");
        assertThat(received.header("X-Auth-Authenticator")).isEqualTo("hs");
        assertThat(received.header("X-Auth-Scopes")).isEqualTo("a b");
        assertThat(received.header("Authorization")).startsWith("Bearer ");
    }

    @Test
    void missingExpiredForeignOrTamperedTokensGet401WithAChallenge() throws Exception {
        HttpResponse<String> none = get("/hs/x");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().allValues("WWW-Authenticate")).containsExactly("Bearer realm=\"hs\"");

        String expired = hs(claims("u").expirationTime(Date.from(Instant.now().minusSeconds(600))).build());
        String notYet = hs(claims("u").notBeforeTime(Date.from(Instant.now().plusSeconds(600))).build());
        String wrongIssuer = hs(claims("u").issuer("https://evil.test").build());
        String wrongAudience = hs(claims("u").audience("other").build());
        String noExpiry = hs(new JWTClaimsSet.Builder().subject("u").issuer(ISSUER).audience("api").build());
        String otherSecret = sign(new MACSigner("another-secret-that-is-long-enough-too".getBytes()), JWSAlgorithm.HS256, null, claims("u").build());
        String valid = hs(claims("u").build());
        String tampered = valid.substring(0, valid.lastIndexOf('.') - 2) + "xx" + valid.substring(valid.lastIndexOf('.'));
        String unsigned = valid.substring(0, valid.indexOf('.')).replace(valid.substring(0, valid.indexOf('.')),
                Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes()))
                + valid.substring(valid.indexOf('.'), valid.lastIndexOf('.') + 1);
        for (String token : List.of(expired, notYet, wrongIssuer, wrongAudience, noExpiry, otherSecret, tampered, unsigned, "garbage")) {
            HttpResponse<String> response = get("/hs/x", "Authorization", "Bearer " + token);
            assertThat(response.statusCode()).as(token).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
        }
        String withinSkew = hs(claims("u").expirationTime(Date.from(Instant.now().minusSeconds(20))).build());
        assertThat(get("/hs/x", "Authorization", "Bearer " + withinSkew).statusCode()).isEqualTo(200);
        assertThat(backend.received()).hasSize(1);
    }

    @Test
    void rsAndEsTokensAgainstConfiguredPublicKeys() throws Exception {
        String rs = sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1", claims("rs-user").build());
        String ps = sign(new RSASSASigner(rsa), JWSAlgorithm.PS384, "rsa-1", claims("ps-user").build());
        String es = sign(new ECDSASigner(ec), JWSAlgorithm.ES256, "ec-1", claims("es-user").build());
        HttpResponse<String> rsResponse = get("/any/x", "Authorization", "Bearer " + rs); assertThat(rsResponse.statusCode()).as(rsResponse.headers().allValues("WWW-Authenticate").toString()).isEqualTo(200);
        assertThat(get("/any/x", "Authorization", "Bearer " + ps).statusCode()).isEqualTo(200);
        assertThat(get("/any/x", "Authorization", "Bearer " + es).statusCode()).isEqualTo(200);
        assertThat(backend.received()).extracting(r -> r.header("X-Auth-Subject")).containsExactly("rs-user", "ps-user", "es-user");
        assertThat(get("/any/x", "Authorization", "Bearer " + hs(claims("u").build())).statusCode()).isEqualTo(401);
    }

    @Test
    void aJwksIsFetchedCachedAndFetchedAgainForAnUnknownKeyId() throws Exception {
        String first = sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1", claims("remote-user").build());
        HttpResponse<String> response = get("/remote/x", "Authorization", "Bearer " + first);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(backend.received().get(0).header("Authorization")).as("credential stripped").isNull();
        int fetches = jwksFetches.get();
        assertThat(get("/remote/x", "Authorization", "Bearer " + first).statusCode()).isEqualTo(200);
        assertThat(jwksFetches.get()).as("cached").isEqualTo(fetches);

        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        published.set(new JWKSet(List.of(rsa.toPublicJWK(), rotated.toPublicJWK())));
        String second = sign(new RSASSASigner(rotated), JWSAlgorithm.RS256, "rsa-2", claims("rotated-user").build());
        assertThat(get("/remote/x", "Authorization", "Bearer " + second).statusCode()).isEqualTo(200);
        assertThat(jwksFetches.get()).isGreaterThan(fetches);
    }

    @Test
    void apiKeysFromHeaderOrQueryMapToClientIds() {
        assertThat(get("/any/x", "X-Api-Key", "globex-key-456").statusCode()).isEqualTo(200);
        assertThat(get("/any/x?api_key=acme-key-123&q=1").statusCode()).isEqualTo(200);
        List<RecordingBackend.Received> received = backend.received();
        assertThat(received).extracting(r -> r.header("X-Auth-Subject")).containsExactly("globex", "acme");
        assertThat(received.get(0).header("X-Api-Key")).isNull();
        assertThat(received.get(1).uri()).isEqualTo("/any/x?q=1");
        HttpResponse<String> wrong = get("/any/x", "X-Api-Key", "acme-key-12");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().allValues("WWW-Authenticate")).hasSize(4)
                .anyMatch(c -> c.startsWith("ApiKey")).anyMatch(c -> c.startsWith("Basic realm=")).anyMatch(c -> c.startsWith("Bearer"));
    }

    @Test
    void basicUsersWithBcryptHashes() {
        assertThat(get("/any/x", "Authorization", Gateway.basic("alice", "wonderland")).statusCode()).isEqualTo(200);
        assertThat(get("/any/x", "Authorization", Gateway.basic("alice", "wonderland")).statusCode()).isEqualTo(200);
        assertThat(backend.received()).extracting(r -> r.header("X-Auth-Subject")).containsExactly("alice", "alice");
        assertThat(get("/any/x", "Authorization", Gateway.basic("alice", "wrong")).statusCode()).isEqualTo(401);
        assertThat(get("/any/x", "Authorization", Gateway.basic("bob", "wonderland")).statusCode()).isEqualTo(401);
        assertThat(get("/any/x", "Authorization", "Basic !!!").statusCode()).isEqualTo(401);
    }

    @Test
    void keepAliveRequestsAnsweredAfterAPasswordHashAllGetTheirAnswer() {
        for (int i = 0; i < 300; i++) {
            assertThat(get("/any/x", "Authorization", Gateway.basic("alice", "wrong-" + i)).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void aClientCannotForgeTheIdentityHeaders() throws Exception {
        get("/open/x", "X-Auth-Subject", "admin", "x-auth-authenticator", "hs");
        get("/hs/x", "X-Auth-Subject", "admin", "Authorization", "Bearer " + hs(claims("real").build()));
        List<RecordingBackend.Received> received = backend.received();
        assertThat(received.get(0).header("X-Auth-Subject")).isNull();
        assertThat(received.get(0).header("X-Auth-Authenticator")).isNull();
        assertThat(received.get(1).headers()).filteredOn(h -> h.getKey().equalsIgnoreCase("X-Auth-Subject"))
                .extracting(Map.Entry::getValue).containsExactly("real");
    }

    @Test
    void scopesClaimsAndBlockedUsersGet403() throws Exception {
        String good = hs(claims("u").claim("scope", "orders.read orders.write").claim("tenant", "acme").build());
        String noScope = hs(claims("u").claim("scope", "orders.read").claim("tenant", "acme").build());
        String otherTenant = hs(claims("u").claim("scp", List.of("orders.write")).claim("tenant", "initech").build());
        String blocked = hs(claims("mallory").claim("scope", "orders.write").claim("tenant", "acme").build());
        assertThat(get("/scoped/x", "Authorization", "Bearer " + good).statusCode()).isEqualTo(200);
        HttpResponse<String> missing = get("/scoped/x", "Authorization", "Bearer " + noScope);
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(missing.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("insufficient_scope");
        assertThat(get("/scoped/x", "Authorization", "Bearer " + otherTenant).statusCode()).isEqualTo(403);
        assertThat(get("/scoped/x", "Authorization", "Bearer " + blocked).statusCode()).isEqualTo(403);
        assertThat(backend.received()).hasSize(1);
        String metrics = gateway.management("/actuator/prometheus").body();
        assertThat(metrics).contains("turnpike_security_rejections_total{application=\"turnpike\",reason=\"insufficient-scope\",route=\"scoped\"} 1.0")
                .contains("reason=\"blocked-user\",route=\"scoped\"").contains("reason=\"claim-mismatch\",route=\"scoped\"");
    }
}
