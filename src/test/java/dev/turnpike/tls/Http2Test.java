package dev.turnpike.tls;

import static dev.turnpike.support.H2Connection.CONTINUATION;
import static dev.turnpike.support.H2Connection.END_STREAM;
import static dev.turnpike.support.H2Connection.GOAWAY;
import static dev.turnpike.support.H2Connection.HEADERS;
import static dev.turnpike.support.H2Connection.RST_STREAM;
import static dev.turnpike.support.H2Connection.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.H2Connection;
import dev.turnpike.support.RawHttp;
import dev.turnpike.support.RecordingBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 on the HTTPS listener (ALPN) and on the plain one (h2c by prior knowledge), with the
 * request checks of HTTP/1.1 and the limits against the known HTTP/2 floods, sent frame by frame.
 */
class Http2Test {

    private static final int NO_ERROR = 0x0, PROTOCOL_ERROR = 0x1, STREAM_CLOSED = 0x5, CANCEL = 0x8, REFUSED_STREAM = 0x7, ENHANCE_YOUR_CALM = 0xb;

    @TempDir
    static Path files;

    private static RecordingBackend backend;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        backend = new RecordingBackend();
        Map<String, Object> properties = Gateway.upstream("pool", backend.address());
        properties.put("turnpike.tls.enabled", "true");
        properties.put("turnpike.tls.port", "0");
        properties.put("turnpike.tls.self-signed.directory", files.resolve("tls").toString());
        properties.put("turnpike.http.h2c", "true");
        properties.put("turnpike.http.max-body-size", "4KB");
        gateway = Gateway.start(properties);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    @Test
    void h2OverTlsAndH2cByPriorKnowledgeReachTheBackendWithNormalisedPaths() throws Exception {
        for (H2Connection connection : new H2Connection[] {H2Connection.tls(gateway.tlsPort()), H2Connection.plain(gateway.port())}) {
            try (connection) {
                connection.settled();
                connection.headers(1, request("GET", "/a//b/./c?q=1"), true);
                connection.flush();
                assertThat(connection.response(1).status()).isEqualTo("200");
                assertThat(backend.received().get(backend.received().size() - 1).uri()).isEqualTo("/a/b/c?q=1");

                connection.headers(3, request("POST", "/upload").setInt("content-length", 5), false);
                connection.data(3, "hello".getBytes(StandardCharsets.US_ASCII), true);
                connection.flush();
                assertThat(connection.response(3).status()).isEqualTo("200");
                assertThat(backend.received().get(backend.received().size() - 1).body()).isEqualTo("hello");
            }
        }
    }

    @Test
    void theH2cListenerStillChecksHttp11Requests() throws Exception {
        assertThat(RawHttp.send(gateway.port(), "GET /plain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status()).isEqualTo(200);
        assertThat(RawHttp.send(gateway.port(), "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n").status())
                .isEqualTo(400);
        assertThat(RawHttp.send(gateway.port(), "GET /a/%2e%2e/admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status()).isEqualTo(400);
    }

    @Test
    void ambiguousPathsAndOversizedBodiesAreRefusedPerStreamAndTheConnectionGoesOn() throws Exception {
        try (H2Connection connection = H2Connection.tls(gateway.tlsPort()).settled()) {
            connection.headers(1, request("GET", "/a/%2e%2e/admin"), true);
            connection.flush();
            assertThat(connection.response(1).status()).isEqualTo("400");

            connection.headers(3, request("POST", "/big").setInt("content-length", 5000), false);
            connection.flush();
            assertThat(connection.response(3).status()).isEqualTo("413");

            connection.headers(5, request("POST", "/chunks"), false);
            connection.data(5, new byte[3000], false);
            connection.data(5, new byte[3000], false);
            connection.flush();
            H2Connection.Frame refused = connection.await(f -> f.stream() == 5 && (f.type() == HEADERS || f.type() == RST_STREAM), Duration.ofSeconds(10));
            assertThat(refused.type() == RST_STREAM || "413".equals(refused.status())).as(refused.toString()).isTrue();

            connection.headers(7, request("GET", "/after"), true);
            connection.flush();
            assertThat(connection.response(7).status()).isEqualTo("200");
            assertThat(backend.received().stream().map(RecordingBackend.Received::uri)).doesNotContain("/big", "/a/%2e%2e/admin");
        }
    }

    @Test
    void protocolErrorsOnAStreamResetThatStreamWithTheirOwnCode() throws Exception {
        try (H2Connection connection = H2Connection.tls(gateway.tlsPort()).settled()) {
            connection.headers(1, request("GET", "/twice"), true);
            connection.headers(1, request("GET", "/twice"), true);
            connection.flush();
            H2Connection.Frame reset1 = connection.await(f -> f.stream() == 1 && f.type() == RST_STREAM, Duration.ofSeconds(5));
            assertThat(reset1.errorCode()).isIn(PROTOCOL_ERROR, STREAM_CLOSED);

            connection.headers(3, request("POST", "/length").setInt("content-length", 10), false);
            connection.data(3, new byte[4], true);
            connection.flush();
            H2Connection.Frame reset3 = connection.await(f -> f.stream() == 3 && f.type() == RST_STREAM, Duration.ofSeconds(5));
            assertThat(reset3.errorCode()).isEqualTo(PROTOCOL_ERROR);
            assertThat(backend.received().stream().map(RecordingBackend.Received::uri)).doesNotContain("/length");
        }
    }

    @Test
    void rapidResetIsAnsweredWithGoaway() throws Exception {
        try (H2Connection connection = H2Connection.tls(gateway.tlsPort()).settled()) {
            for (int stream = 1; stream < 2 * 1000; stream += 2) {
                connection.headers(stream, request("GET", "/reset"), false);
                connection.reset(stream, CANCEL);
            }
            try {
                connection.flush();
            } catch (IOException closedMeanwhile) {
                // the server may close before every frame is out
            }
            H2Connection.Frame goaway = connection.await(f -> f.type() == GOAWAY, Duration.ofSeconds(10));
            assertThat(goaway.errorCode()).isEqualTo(ENHANCE_YOUR_CALM);
        }
    }

    @Test
    void aContinuationFloodEndsTheConnection() throws Exception {
        for (int size : new int[] {1024, 0}) {
            try (H2Connection connection = H2Connection.tls(gateway.tlsPort()).settled()) {
                connection.frame(HEADERS, 0, 1, connection.encode(request("GET", "/flood")));
                byte[] fragment = connection.encode(new io.netty.handler.codec.http2.DefaultHttp2Headers().add("x-flood", "a".repeat(Math.max(size, 1))));
                byte[] payload = size == 0 ? new byte[0] : fragment;
                boolean stopped = false;
                for (int i = 0; i < 200_000 && !stopped; i++) {
                    try {
                        connection.frame(CONTINUATION, 0, 1, payload);
                        if (i % 1000 == 0) {
                            connection.flush();
                        }
                    } catch (IOException e) {
                        stopped = true;
                    }
                    stopped |= connection.isClosedByServer();
                }
                H2Connection.Frame goaway = connection.await(f -> f.type() == GOAWAY, Duration.ofSeconds(10));
                assertThat(goaway.errorCode()).as("CONTINUATION frames of %d bytes", size).isNotEqualTo(NO_ERROR);
                assertThat(stopped || connection.isClosedByServer()).isTrue();
            }
        }
    }

    @Test
    void streamsOverTheConcurrencyLimitAreRefused() throws Exception {
        try (H2Connection connection = H2Connection.tls(gateway.tlsPort()).settled()) {
            for (int i = 0; i < 140; i++) {
                connection.headers(1 + 2 * i, request("POST", "/held-open"), false);
            }
            connection.flush();
            Set<Integer> refused = new HashSet<>();
            while (refused.size() < 12) {
                H2Connection.Frame reset = connection.await(f -> f.type() == RST_STREAM, Duration.ofSeconds(10));
                assertThat(reset.errorCode()).isEqualTo(REFUSED_STREAM);
                refused.add(reset.stream());
            }
            assertThat(refused).allMatch(stream -> stream > 2 * 128);
        }
    }

    @Test
    void anOversizedHeaderListGets431AndAHugeOneEndsTheConnection() throws Exception {
        try (H2Connection connection = H2Connection.tls(gateway.tlsPort()).settled()) {
            connection.headers(1, request("GET", "/big-header").add("x-big", "b".repeat(17_000)), true);
            connection.flush();
            assertThat(connection.response(1).status()).isEqualTo("431");
            connection.headers(3, request("GET", "/fine"), true);
            connection.flush();
            assertThat(connection.response(3).status()).isEqualTo("200");
        }
        try (H2Connection connection = H2Connection.tls(gateway.tlsPort()).settled()) {
            byte[] block = connection.encode(request("GET", "/huge").add("x-huge", "h".repeat(200_000)));
            int frameSize = 16_384;
            for (int at = 0; at < block.length; at += frameSize) {
                byte[] part = Arrays.copyOfRange(block, at, Math.min(block.length, at + frameSize));
                boolean last = at + frameSize >= block.length;
                try {
                    connection.frame(at == 0 ? HEADERS : CONTINUATION, (last ? 0x4 : 0) | (at == 0 ? END_STREAM : 0), 1, part);
                    connection.flush();
                } catch (IOException e) {
                    break;
                }
            }
            H2Connection.Frame answer = connection.await(f -> f.type() == GOAWAY || f.type() == HEADERS && f.stream() == 1, Duration.ofSeconds(10));
            assertThat(answer.type() == GOAWAY || "431".equals(answer.status())).as(answer.toString()).isTrue();
        }
    }
}
