package dev.turnpike.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.TestBackend;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopbackTlsClientTest {

    @TempDir
    Path directory;

    @Test
    void newConnectionsTakeTurnsBetweenFullAndResumedHandshakes() throws Exception {
        try (TestBackend backend = TestBackend.start("backend")) {
            Map<String, Object> properties = Gateway.upstream("pool", backend);
            properties.put("turnpike.tls.enabled", true);
            properties.put("turnpike.tls.port", 0);
            properties.put("turnpike.tls.engine", "openssl");
            properties.put("turnpike.tls.self-signed.directory", directory.toString());
            try (Gateway gateway = Gateway.start(properties);
                 LoopbackTlsClient client = new LoopbackTlsClient()) {
                Exchange exchange = client.newConnection(gateway.tlsPort(), Map.of());
                for (int i = 0; i < 6; i++) {
                    assertThat(exchange.run()).as("requests made").isEqualTo(1);
                }
                String metrics = gateway.management("/actuator/prometheus").body();
                // the resuming client's first connection has no session to offer yet
                assertThat(handshakes(metrics, "full")).isEqualTo(4);
                assertThat(handshakes(metrics, "resumed")).isEqualTo(2);
                assertThat(backend.requests()).isEqualTo(6);
            }
        }
    }

    private static double handshakes(String metrics, String result) {
        return Gateway.sampleSum(metrics, "turnpike_tls_handshakes_total", "result=\"" + result + "\"");
    }
}
