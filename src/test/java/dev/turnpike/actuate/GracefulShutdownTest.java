package dev.turnpike.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.L4Gateway;
import dev.turnpike.support.TcpBackend;
import dev.turnpike.support.TestBackend;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;

/** On stop: readiness goes down first while traffic is still served, in-flight requests finish, L4 connections drain. */
class GracefulShutdownTest {

    @Test
    void readinessGoesDownFirstThenInFlightWorkFinishes() throws Exception {
        try (TestBackend slow = TestBackend.start("slow").delay(Duration.ofSeconds(3));
             TcpBackend echo = TcpBackend.start(TcpBackend.echo())) {
            Map<String, Object> properties = new LinkedHashMap<>(Gateway.upstream("pool", slow.address()));
            properties.putAll(L4Gateway.upstream("echo", echo.address()));
            properties.putAll(L4Gateway.tcpListener(0, "echo", "echo"));
            properties.put("turnpike.shutdown.readiness-delay", "1500ms");
            Gateway gateway = Gateway.start(properties);
            ApplicationAvailability availability = gateway.context().getBean(ApplicationAvailability.class);
            int port = gateway.port();
            Socket tunnel = L4Gateway.connect(gateway, "echo");

            CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> gateway.get("/long"));
            Gateway.await(Duration.ofSeconds(5), () -> slow.requests() == 1, "the request reached the backend");
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(gateway::close);

            Gateway.await(Duration.ofSeconds(2), () -> availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC,
                    "readiness DOWN");
            // still serving new connections while load balancers catch up
            slow.delay(Duration.ZERO);
            assertThat(Gateway.backendOf(gatewayGet(port))).isEqualTo("slow");

            HttpResponse<String> finished = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(finished.statusCode()).isEqualTo(200);
            assertThat(stopping).isNotDone(); // the L4 connection is still open and drains
            tunnel.getOutputStream().write("bye".getBytes(StandardCharsets.UTF_8));
            tunnel.shutdownOutput();
            assertThat(new String(tunnel.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("bye");
            tunnel.close();
            stopping.get(20, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> gatewayGet(int port) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/during-delay")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
