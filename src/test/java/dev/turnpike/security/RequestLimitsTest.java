package dev.turnpike.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.RawHttp;
import dev.turnpike.support.RecordingBackend;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Honest statuses for oversized and slow requests, and the framing tricks refused outright, over raw sockets. */
class RequestLimitsTest {

    private static RecordingBackend backend;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        backend = new RecordingBackend();
        Map<String, Object> properties = Gateway.upstream("echo", backend.address());
        properties.put("turnpike.http.max-body-size", "1KB");
        properties.put("turnpike.http.header-timeout", "1s");
        properties.put("turnpike.http.keep-alive-timeout", "1s");
        properties.put("server.netty.max-initial-line-length", "2KB");
        properties.put("server.max-http-request-header-size", "4KB");
        gateway = Gateway.start(properties);
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

    private static RawHttp.Exchange send(String request) {
        return RawHttp.send(gateway.port(), request);
    }

    private static void refused(RawHttp.Exchange answer, int status) {
        assertThat(answer.status()).as(answer.head() + answer.body()).isEqualTo(status);
        assertThat(answer.header("Connection")).isEqualToIgnoringCase("close");
        assertThat(answer.closed()).isTrue();
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void aSmallRequestGoesThrough() {
        RawHttp.Exchange answer = send("POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(backend.received()).singleElement().satisfies(r -> assertThat(r.body()).isEqualTo("hello"));
    }

    @Test
    void aLongRequestLineGets414() {
        refused(send("GET /" + "a".repeat(3000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
    }

    @Test
    void largeHeadersGet431() {
        refused(send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(6000) + "\r\n\r\n"), 431);
    }

    @Test
    void anAnnouncedBodyOverTheLimitGets413BeforeAnyByteIsForwarded() {
        refused(send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n"), 413);
    }

    @Test
    void aChunkedBodyOverTheLimitGets413() {
        String chunk = "400\r\n" + "c".repeat(1024) + "\r\n";
        RawHttp.Exchange answer = send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunk + chunk + "0\r\n\r\n");
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.closed()).isTrue();
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void bothContentLengthAndTransferEncodingAreRefused() {
        refused(send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400);
    }

    @Test
    void differingContentLengthsAreRefused() {
        refused(send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nhello"), 400);
    }

    @Test
    void obfuscatedTransferEncodingsAreRefused() {
        for (String te : new String[] {"chunked, chunked", "xchunked", "chunked, gzip", "identity", "chunked;x=1", "\"chunked\""}) {
            refused(send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te + "\r\n\r\n0\r\n\r\n"), 400);
        }
    }

    @Test
    void aBareLineFeedInAChunkLineIsRefused() {
        RawHttp.Exchange answer = send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n");
        refused(answer, 400);
        answer = send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\nhello\r\n0\r\n\r\n");
        refused(answer, 400);
    }

    @Test
    void anH2cUpgradeIsNeitherHonouredNorPassedOn() {
        RawHttp.Exchange answer = send("GET /smuggle HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings, keep-alive\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
        assertThat(answer.status()).as("served as HTTP/1.1, never 101").isEqualTo(200);
        assertThat(answer.head()).startsWith("HTTP/1.1 200");
        assertThat(backend.received()).singleElement().satisfies(r -> {
            assertThat(r.header("Upgrade")).isNull();
            assertThat(r.header("HTTP2-Settings")).isNull();
            assertThat(String.valueOf(r.header("Connection")).toLowerCase()).doesNotContain("upgrade");
        });
    }

    @Test
    void aSecondRequestOnTheConnectionIsCheckedToo() {
        RawHttp.Exchange answer = send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(backend.received()).extracting(RecordingBackend.Received::uri).containsExactly("/first");
    }

    @Test
    void aClientThatSendsItsHeadersTooSlowlyGets408() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat((System.nanoTime() - started) / 1_000_000).isBetween(500L, 4000L);
        }
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheKeepAliveTimeout() throws Exception {
        assertThat(idleUntilClosedMillis(false)).isBetween(500L, 4000L);
    }

    /** Curl asks for 100 Continue before any body over 1 KB: that interim answer does not end the exchange. */
    @Test
    void theKeepAliveTimeoutHoldsAfterA100ContinueExchange() throws Exception {
        assertThat(idleUntilClosedMillis(true)).isBetween(500L, 4000L);
    }

    private static long idleUntilClosedMillis(boolean expectContinue) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
            socket.setSoTimeout(8000);
            InputStream in = socket.getInputStream();
            String head = "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                    + (expectContinue ? "Expect: 100-continue\r\n" : "") + "\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            if (expectContinue) {
                assertThat(RawHttp.readResponse(in, false).status()).isEqualTo(100);
            }
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Exchange answer = RawHttp.readResponse(in, false);
            assertThat(answer.status()).as(answer.head()).isEqualTo(200);
            long answered = System.nanoTime();
            assertThat(in.read()).as("the connection is closed, with nothing more sent").isEqualTo(-1);
            return (System.nanoTime() - answered) / 1_000_000;
        }
    }
}
