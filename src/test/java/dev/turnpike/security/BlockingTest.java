package dev.turnpike.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.RecordingBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Client address lists (global and per route, on the real client address), blocked and stripped headers, methods. */
class BlockingTest {

    private static RecordingBackend backend;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        backend = new RecordingBackend();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("turnpike.upstreams.app.servers[0].address", backend.address());
        p.put("turnpike.trusted-proxies[0]", "127.0.0.1");
        p.put("turnpike.security.clients.deny[0]", "203.0.113.0/24");
        p.put("turnpike.security.clients.deny[1]", "2001:db8:bad::/48");
        p.put("turnpike.security.headers.block[0].name", "X-Debug-.*");
        p.put("turnpike.security.headers.block[0].status", "403");
        p.put("turnpike.security.headers.strip[0]", "X-Internal-.*");
        Gateway.route(p, 0, "partners", "app", "/partners/**");
        p.put("spring.cloud.gateway.server.webflux.routes[0].filters[0].name", "ClientAccess");
        p.put("spring.cloud.gateway.server.webflux.routes[0].filters[0].args.allow[0]", "198.51.100.0/24");
        p.put("spring.cloud.gateway.server.webflux.routes[0].filters[0].args.allow[1]", "2001:db8::/32");
        p.put("spring.cloud.gateway.server.webflux.routes[0].filters[0].args.deny[0]", "198.51.100.66");
        Gateway.route(p, 1, "strict", "app", "/strict/**", "BlockHeaders=X-Role,admin|root",
                "StripHeaders=X-Trace-Secret,X-Tenant-.*", "AllowMethods=GET,HEAD");
        Gateway.route(p, 2, "open", "app", "/**");
        gateway = Gateway.start(p);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    @BeforeEach
    void clear() {
        backend.clear();
    }

    /** A request relayed by the trusted proxy 127.0.0.1 for the given client. */
    private static int from(String client, String path) {
        return gateway.get(path, "X-Forwarded-For", client).statusCode();
    }

    @Test
    void theGlobalDenyListAppliesToTheRealClientAddress() {
        assertThat(from("203.0.113.7", "/x")).isEqualTo(403);
        assertThat(from("2001:db8:bad::1", "/x")).isEqualTo(403);
        assertThat(from("192.0.2.1", "/x")).isEqualTo(200);
        assertThat(backend.received()).hasSize(1);
    }

    @Test
    void aRouteAllowListAdmitsOnlyItsMembersAndItsDenyWins() {
        assertThat(from("198.51.100.10", "/partners/x")).isEqualTo(200);
        assertThat(from("2001:db8::5", "/partners/x")).isEqualTo(200);
        assertThat(from("198.51.100.66", "/partners/x")).isEqualTo(403);
        assertThat(from("192.0.2.1", "/partners/x")).isEqualTo(403);
        assertThat(gateway.get("/partners/x").statusCode()).as("the direct peer 127.0.0.1 is not on the list").isEqualTo(403);
        assertThat(backend.received()).hasSize(2);
    }

    @Test
    void blockedHeadersAreRefusedAndStrippedOnesNeverArrive() {
        assertThat(gateway.get("/x", "X-Debug-Mode", "on").statusCode()).isEqualTo(403);
        assertThat(gateway.get("/strict/x", "X-Role", "admin").statusCode()).isEqualTo(400);
        assertThat(gateway.get("/strict/x", "X-Role", "viewer", "X-Internal-User", "42", "X-Trace-Secret", "s",
                "X-Tenant-Id", "t", "X-Kept", "k").statusCode()).isEqualTo(200);
        RecordingBackend.Received received = backend.received().get(0);
        assertThat(received.header("X-Role")).isEqualTo("viewer");
        assertThat(received.header("X-Internal-User")).isNull();
        assertThat(received.header("X-Trace-Secret")).isNull();
        assertThat(received.header("X-Tenant-Id")).isNull();
        assertThat(received.header("X-Kept")).isEqualTo("k");
        String metrics = gateway.management("/actuator/prometheus").body();
        assertThat(metrics).contains("reason=\"blocked-header\",route=\"open\"").contains("reason=\"blocked-header\",route=\"strict\"");
    }

    @Test
    void methodsOutsideTheAllowListGet405WithAllow() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/strict/x"))
                        .POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(backend.received()).isEmpty();
    }
}
