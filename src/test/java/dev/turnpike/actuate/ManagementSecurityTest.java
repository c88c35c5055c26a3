package dev.turnpike.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.TestBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/** Health and info are open; the rest needs a user or token with the right role; nobody configured: off. */
class ManagementSecurityTest {

    private static int post(int port, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"configuredLevel\":\"INFO\"}"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void readersReadAdminsChangeAndStrangersSeeOnlyHealth() throws Exception {
        try (TestBackend backend = TestBackend.start("a")) {
            Map<String, Object> p = Gateway.upstream("pool", backend);
            p.put("turnpike.management.users[1].name", "viewer");
            p.put("turnpike.management.users[1].password", "{bcrypt}" + new BCryptPasswordEncoder(4).encode("look"));
            p.put("turnpike.management.users[1].roles", "read");
            p.put("turnpike.management.tokens[0].name", "ci");
            p.put("turnpike.management.tokens[0].sha256",
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest("ci-token-1".getBytes())));
            p.put("turnpike.management.tokens[0].roles", "read");
            try (Gateway gateway = Gateway.start(p)) {
                HttpResponse<String> health = gateway.managementAs("/actuator/health");
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).contains("\"upstreams\"").contains("\"pool\"").doesNotContain("127.0.0.1");
                assertThat(gateway.managementAs("/actuator/info").statusCode()).isEqualTo(200);

                assertThat(gateway.managementAs("/actuator/upstreams").statusCode()).isEqualTo(401);
                assertThat(gateway.managementAs("/actuator/prometheus").statusCode()).isEqualTo(401);
                assertThat(gateway.managementAs("/actuator/upstreams", "Authorization", Gateway.basic("viewer", "wrong")).statusCode()).isEqualTo(401);
                assertThat(gateway.managementAs("/actuator/upstreams", "Authorization", Gateway.basic("viewer", "look")).statusCode()).isEqualTo(200);
                assertThat(gateway.managementAs("/actuator/upstreams", "Authorization", "Bearer ci-token-1").statusCode()).isEqualTo(200);
                assertThat(gateway.managementAs("/actuator/upstreams", "Authorization", "Bearer ci-token-2").statusCode()).isEqualTo(401);
                assertThat(gateway.management("/actuator/health").body()).contains("127.0.0.1");

                int port = gateway.managementPort();
                assertThat(post(port, "/actuator/loggers/dev.turnpike", Gateway.basic("viewer", "look"))).isEqualTo(403);
                assertThat(post(port, "/actuator/loggers/dev.turnpike", null)).isEqualTo(401);
                assertThat(post(port, "/actuator/loggers/dev.turnpike", Gateway.basic(Gateway.MANAGER, Gateway.MANAGER_PASSWORD)))
                        .as("admin may change state").isEqualTo(204);
                assertThat(Gateway.backendOf(gateway.get("/actuator/upstreams"))).as("the traffic port only proxies").isEqualTo("a");
                assertThat(gateway.context().getBeanNamesForType(
                        org.springframework.cloud.gateway.actuate.AbstractGatewayControllerEndpoint.class))
                        .as("no route writes over HTTP").isEmpty();
            }
        }
    }

    @Test
    void withNobodyConfiguredOnlyHealthAndInfoAnswer() {
        try (TestBackend backend = TestBackend.start("a")) {
            Map<String, Object> p = Gateway.upstream("pool", backend);
            p.put("turnpike.management.users", "");
            try (Gateway gateway = Gateway.start(p)) {
                assertThat(gateway.managementAs("/actuator/health").statusCode()).isEqualTo(200);
                assertThat(gateway.management("/actuator/upstreams").statusCode()).isIn(401, 403);
                assertThat(gateway.managementAs("/actuator/prometheus").statusCode()).isIn(401, 403);
            }
        }
    }
}
