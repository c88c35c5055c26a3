package dev.turnpike.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.L4Gateway;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.io.File;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The top-level application.yml, as `mvn spring-boot:run` uses it: the demo answers on its own. */
class OperatorConfigurationTest {

    @Test
    void theShippedConfigurationServesTheDemoAlternatingBetweenBothBackends() throws Exception {
        File operatorFile = new File(System.getProperty("basedir", ".."), "application.yml");
        assertThat(operatorFile).exists();
        try (Gateway gateway = Gateway.start(Map.of("spring.config.additional-location", "file:" + operatorFile.getAbsolutePath()))) {
            Gateway.await(Duration.ofSeconds(15),
                    () -> gateway.management("/actuator/health/readiness").statusCode() == 200, "ready");
            Set<String> names = new HashSet<>();
            String previous = null;
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> response = gateway.get("/demo/hello");
                assertThat(response.statusCode()).isEqualTo(200);
                String name = Gateway.backendOf(response);
                assertThat(name).isNotEqualTo(previous);
                assertThat(response.body()).contains("GET /demo/hello HTTP/1.1");
                names.add(name);
                previous = name;
            }
            assertThat(names).containsExactlyInAnyOrder("Name: demo-9101", "Name: demo-9102");
            assertThat(gateway.management("/actuator/health").body())
                    .contains("\"upstreams\"").contains("127.0.0.1:9101").contains("127.0.0.1:9102");
            assertThat(throughTcpListener(gateway)).startsWith("HTTP/1.1 200").contains("Name: demo-910");
        }
    }

    /** An HTTP request written byte for byte into the demo TCP listener, as `curl localhost:9000/` does. */
    private static String throughTcpListener(Gateway gateway) throws Exception {
        try (Socket socket = L4Gateway.connect(gateway, "demo-tcp")) {
            socket.getOutputStream().write("GET /tcp HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
