package dev.turnpike.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.RawHttp;
import dev.turnpike.support.RecordingBackend;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With /admin/** behind Authenticate and /public/** open, no spelling of an admin path reaches
 * the backend without credentials: each variant meets the protection (401) or is refused (400),
 * or matches no route at all (404).
 */
class PathBypassTest {

    private static final List<String> VARIANTS = List.of(
            "/admin/x", "/admin/../admin/x", "/public/../admin/x", "/public/..;/admin/x", "/public/%2e%2e/admin/x",
            "/public/%2E%2E/admin/x", "/public/.%2e/admin/x", "/%61dmin/x", "/%61%64%6d%69%6e/x", "/admin%2fx",
            "/admin%2Fx", "//admin/x", "///admin//x", "/ADMIN/x", "/Admin/x", "/admin;x=y/x", "/admin;/x",
            "\\admin\\x", "/public\\..\\admin\\x", "/public/%5c../admin/x", "/admin%00/x", "/admin/x%00",
            "/admin%0d%0aX-Injected:%201/x", "/admin%0a/x", "/./admin/x", "/public/./../admin/x", "/admin/./x",
            "/public/../../admin/x", "/admin%252fx", "/%2e/admin/x", "/admin/x?y=/../../public");

    private static RecordingBackend backend;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        backend = new RecordingBackend();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("turnpike.upstreams.app.servers[0].address", backend.address());
        p.put("turnpike.security.basic.ops.users[0].name", "alice");
        p.put("turnpike.security.basic.ops.users[0].password",
                "{bcrypt}" + new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder(4).encode("pw"));
        Gateway.route(p, 0, "admin", "app", "/admin/**", "Authenticate=ops");
        Gateway.route(p, 1, "public", "app", "/public/**");
        gateway = Gateway.start(p);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    @Test
    void noVariantOfAProtectedPathReachesTheBackendUnauthenticated() {
        Map<String, Integer> answers = new LinkedHashMap<>();
        for (String variant : VARIANTS) {
            backend.clear();
            RawHttp.Exchange answer = RawHttp.send(gateway.port(), "GET " + variant + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            answers.put(variant, answer.status());
            assertThat(backend.received()).as(variant + " reached the backend").isEmpty();
            assertThat(answer.status()).as(variant).isIn(400, 401, 404);
        }
        assertThat(answers).containsEntry("/admin/x", 401).containsEntry("/public/../admin/x", 401)
                .containsEntry("/%61dmin/x", 401).containsEntry("//admin/x", 401)
                .containsEntry("/public/..;/admin/x", 400).containsEntry("/admin%2fx", 400).containsEntry("\\admin\\x", 400)
                .containsEntry("/public/%2e%2e/admin/x", 400).containsEntry("/admin%00/x", 400);
        System.out.println("path variants: " + answers);
    }

    @Test
    void theNormalisedPathIsWhatTheBackendReceives() {
        backend.clear();
        RawHttp.Exchange answer = RawHttp.send(gateway.port(), "GET /public//a/./b/../c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(backend.received()).singleElement().satisfies(r -> assertThat(r.uri()).isEqualTo("/public/a/c"));
        backend.clear();
        RawHttp.Exchange authenticated = RawHttp.send(gateway.port(), "GET /public/../admin/x HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: " + Gateway.basic("alice", "pw") + "\r\nConnection: close\r\n\r\n");
        assertThat(authenticated.status()).isEqualTo(200);
        assertThat(backend.received()).singleElement().satisfies(r -> assertThat(r.uri()).isEqualTo("/admin/x"));
    }
}
