package dev.turnpike.l7;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.TestBackend;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestForwardingTest {

    @Test
    void pathAndQueryReachTheBackendExactlyAsSent() {
        try (TestBackend backend = TestBackend.start("a");
             Gateway gateway = Gateway.start(Gateway.upstream("pool", backend))) {
            String body = gateway.get("/a%20b/c%40d/%61?x=1&y=%2F&z=a+b").body();
            assertThat(body).contains("uri=/a%20b/c%40d/%61?x=1&y=%2F&z=a+b\n");
        }
    }

    @Test
    void repeatedSlashesAndDotSegmentsAreResolvedBeforeRoutingAndForwarding() {
        try (TestBackend backend = TestBackend.start("a");
             Gateway gateway = Gateway.start(Gateway.upstream("pool", backend))) {
            assertThat(gateway.get("//x/./y/../z?q=/../").body()).contains("uri=/x/z?q=/../\n");
        }
    }

    @Test
    void aGrpcCallAsksTheBackendForTrailersAndOtherRequestsAreLeftAlone() {
        try (dev.turnpike.support.RecordingBackend backend = new dev.turnpike.support.RecordingBackend();
             Gateway gateway = Gateway.start(Gateway.upstream("pool", backend.address()))) {
            gateway.get("/grpc", "Content-Type", "application/grpc+proto");
            gateway.get("/plain", "Content-Type", "application/json");
            assertThat(backend.received().get(0).header("te")).isEqualTo("trailers");
            assertThat(backend.received().get(1).header("te")).isNull();
        }
    }

    /**
     * Pipelined requests are answered in order through the routes; the one that asks to close is answered,
     * with {@code Connection: close}, and what follows it is neither read nor forwarded.
     */
    @Test
    void pipelinedRequestsEndingWithCloseAreAnsweredInOrderAndNothingAfterIsForwarded() throws Exception {
        try (dev.turnpike.support.RecordingBackend backend = new dev.turnpike.support.RecordingBackend();
             Gateway gateway = Gateway.start(Gateway.upstream("pool", backend.address()))) {
            java.util.List<dev.turnpike.support.RawHttp.Exchange> answers = dev.turnpike.support.RawHttp.pipelined(gateway.port(),
                    "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\ntwo"
                    + "GET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    + "GET /4 HTTP/1.1\r\nHost: a\r\n\r\n", 3);
            assertThat(answers).extracting(dev.turnpike.support.RawHttp.Exchange::status).containsExactly(200, 200, 200);
            assertThat(answers.get(2).header("Connection")).isEqualToIgnoringCase("close");
            assertThat(answers.get(2).closed()).as("closed after the request that asked to close").isTrue();
            assertThat(backend.received()).extracting(dev.turnpike.support.RecordingBackend.Received::uri)
                    .containsExactly("/1", "/2", "/3");
            assertThat(backend.received().get(1).body()).isEqualTo("two");
        }
    }

    /** RFC 9110 7.6.1: hop-by-hop headers, and those a Connection header names, stop at the gateway both ways. */
    @Test
    void hopByHopHeadersStopAtTheGatewayInBothDirections() throws Exception {
        try (java.net.ServerSocket backend = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CompletableFuture<String> received = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (java.net.Socket socket = backend.accept()) {
                    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                            socket.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
                    StringBuilder head = new StringBuilder();
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        head.append(line).append('\n');
                    }
                    socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Backend-Private\r\n"
                            + "X-Backend-Private: internal\r\nKeep-Alive: timeout=5\r\nProxy-Authenticate: Basic\r\n"
                            + "X-Kept: yes\r\nContent-Length: 2\r\n\r\nok").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    socket.getOutputStream().flush();
                    return head.toString().toLowerCase(java.util.Locale.ROOT);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Map<String, Object> properties = Gateway.upstream("pool", "127.0.0.1:" + backend.getLocalPort());
            properties.put("turnpike.upstreams.pool.warmup.connections", 0);
            properties.put("turnpike.upstreams.pool.health-check.type", "none");
            try (Gateway gateway = Gateway.start(properties)) {
                dev.turnpike.support.RawHttp.Exchange response = dev.turnpike.support.RawHttp.send(gateway.port(),
                        "GET /hop HTTP/1.1\r\nHost: example.test\r\nConnection: keep-alive, X-Client-Private\r\n"
                                + "X-Client-Private: secret\r\nKeep-Alive: timeout=9\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\n"
                                + "X-Passed: yes\r\n\r\n");
                String backendSaw = received.get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(backendSaw).contains("x-passed: yes").doesNotContain("x-client-private", "keep-alive: timeout",
                        "proxy-authorization");
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("ok");
                assertThat(response.header("X-Kept")).isEqualTo("yes");
                assertThat(response.header("X-Backend-Private")).isNull();
                assertThat(response.header("Keep-Alive")).isNull();
                assertThat(response.header("Proxy-Authenticate")).isNull();
            }
        }
    }

    @Test
    void anUntrustedClientCannotForgeItsAddress() {
        try (TestBackend backend = TestBackend.start("a");
             Gateway gateway = Gateway.start(Gateway.upstream("pool", backend))) {
            String body = gateway.get("/f", "X-Forwarded-For", "203.0.113.9", "Forwarded", "for=203.0.113.9",
                    "X-Forwarded-Prefix", "/forged-prefix").body();
            assertThat(body).contains("x-forwarded-for=127.0.0.1\n").doesNotContain("forged-prefix")
                    .contains("forwarded=for=127.0.0.1;proto=http;host=\"127.0.0.1:" + gateway.port() + "\"\n")
                    .doesNotContain("203.0.113.9");
        }
    }

    @Test
    void aTrustedProxysChainIsKeptAndExtended() {
        try (TestBackend backend = TestBackend.start("a")) {
            Map<String, Object> properties = Gateway.upstream("pool", backend);
            properties.put("turnpike.trusted-proxies[0]", "127.0.0.1");
            try (Gateway gateway = Gateway.start(properties)) {
                String body = gateway.get("/f", "X-Forwarded-For", "203.0.113.9",
                        "Forwarded", "for=203.0.113.9;proto=https").body();
                assertThat(body).contains("x-forwarded-for=203.0.113.9, 127.0.0.1\n")
                        .contains("forwarded=for=203.0.113.9;proto=https, for=127.0.0.1;proto=http");
            }
        }
    }

    /** Routes are tried in order, beyond the lookup's look-ahead: the first match wins, later ones are never used. */
    @Test
    void firstMatchingRouteWinsAmongManyRoutes() {
        int routes = RouteLookup.LOOK_AHEAD * 3;
        try (TestBackend early = TestBackend.start("early"); TestBackend late = TestBackend.start("late")) {
            Map<String, Object> properties = Gateway.upstream("early", early);
            properties.put("turnpike.upstreams.late.servers[0].address", late.address());
            for (int i = 0; i < routes; i++) {
                Gateway.route(properties, i, "r" + i, i < routes - 2 ? "early" : "late", "/r" + i + "/**");
            }
            Gateway.route(properties, routes - 1, "catch-all", "early", "/**");
            try (Gateway gateway = Gateway.start(properties)) {
                assertThat(Gateway.backendOf(gateway.get("/r3/x"))).isEqualTo("early");
                assertThat(Gateway.backendOf(gateway.get("/r" + (routes - 2) + "/x"))).isEqualTo("late");
                assertThat(Gateway.backendOf(gateway.get("/elsewhere"))).isEqualTo("early");
                assertThat(early.requests() + late.requests()).isEqualTo(3);
            }
        }
    }
}
