package dev.turnpike.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.l4.L4Listeners;
import dev.turnpike.support.Gateway;
import dev.turnpike.support.L4Gateway;
import dev.turnpike.support.TestBackend;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The warm-up's plain client against a real TCP listener and backend. */
class LoopbackPlainClientTest {

    @Test
    void manyConnectionsAreHeldAtOnceAndEndAsProbesResetsAndAnsweredRequests() throws Exception {
        try (TestBackend backend = TestBackend.start("backend")) {
            Map<String, Object> properties = Gateway.upstream("pool", backend);
            properties.putAll(L4Gateway.tcpListener(0, "tcp", "pool"));
            try (Gateway gateway = Gateway.start(properties)) {
                Exchange exchange = LoopbackPlainClient.manyConnections(L4Gateway.port(gateway, "tcp"), 32);
                assertThat(exchange.run()).as("connections made").isEqualTo(32);
                assertThat(exchange.run()).as("connections made").isEqualTo(32);

                L4Listeners listeners = gateway.context().getBean(L4Listeners.class);
                Gateway.await(Duration.ofSeconds(10), () -> listeners.listeners().get(0).openConnections() == 0,
                        "every connection through the listener ended");
                // of every 32: 2 close unasked, 2 ask and leave (their requests may or may not be forwarded), 28 read their answers
                assertThat(backend.requests()).isBetween(56, 60);
                String metrics = gateway.management("/actuator/prometheus").body();
                assertThat(Gateway.sampleSum(metrics, "turnpike_l4_connections_total", "listener=\"tcp\""))
                        .as("every connection counted once").isEqualTo(64);
                assertThat(Gateway.sampleSum(metrics, "turnpike_l4_connections_total", "result=\"forwarded\""))
                        .as("those that stayed until the backend answered were forwarded").isGreaterThanOrEqualTo(60);

                assertThat(LoopbackPlainClient.exchange(L4Gateway.port(gateway, "tcp"), 1, Map.of()).run())
                        .as("the listener serves on").isEqualTo(1);
            }
        }
    }
}
