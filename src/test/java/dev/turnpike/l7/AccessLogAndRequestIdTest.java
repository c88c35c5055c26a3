package dev.turnpike.l7;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.turnpike.support.Gateway;
import dev.turnpike.support.L4Gateway;
import dev.turnpike.support.RecordingBackend;
import dev.turnpike.support.TcpBackend;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Request ids and trace context travel to the backend and back; every request and L4 connection is logged once. */
class AccessLogAndRequestIdTest {

    private final ListAppender<ILoggingEvent> httpLog = new ListAppender<>();
    private final ListAppender<ILoggingEvent> l4Log = new ListAppender<>();

    /** After the gateway has started: Spring Boot sets up logging afresh as it starts. */
    private void capture() {
        httpLog.start();
        l4Log.start();
        ((Logger) LoggerFactory.getLogger("turnpike.access.http")).addAppender(httpLog);
        ((Logger) LoggerFactory.getLogger("turnpike.access.l4")).addAppender(l4Log);
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger("turnpike.access.http")).detachAppender(httpLog);
        ((Logger) LoggerFactory.getLogger("turnpike.access.l4")).detachAppender(l4Log);
    }

    private List<String> lines(ListAppender<ILoggingEvent> appender) {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aClientRequestIdTravelsToTheBackendAndBack() {
        try (RecordingBackend backend = new RecordingBackend();
             Gateway gateway = Gateway.start(Gateway.upstream("pool", backend.address()))) {
            String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
            HttpResponse<String> response = gateway.get("/given", "X-Request-Id", "order-42.retry:1",
                    "traceparent", traceparent);
            assertThat(response.headers().firstValue("X-Request-Id")).hasValue("order-42.retry:1");
            RecordingBackend.Received received = backend.received().get(0);
            assertThat(received.header("X-Request-Id")).isEqualTo("order-42.retry:1");
            assertThat(received.header("traceparent")).isEqualTo(traceparent);
        }
    }

    @Test
    void aMissingOrUnsafeRequestIdIsReplacedAndATraceStarts() {
        try (RecordingBackend backend = new RecordingBackend();
             Gateway gateway = Gateway.start(Gateway.upstream("pool", backend.address()))) {
            HttpResponse<String> fresh = gateway.get("/fresh");
            String id = fresh.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(id).matches("[0-9a-f]{32}");
            assertThat(backend.received().get(0).header("X-Request-Id")).isEqualTo(id);
            assertThat(backend.received().get(0).header("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");

            HttpResponse<String> unsafe = gateway.get("/unsafe", "X-Request-Id", "a\"b<script>",
                    "traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01");
            String replaced = unsafe.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(replaced).matches("[0-9a-f]{32}");
            assertThat(backend.received().get(1).header("X-Request-Id")).isEqualTo(replaced);
            assertThat(backend.received().get(1).header("traceparent"))
                    .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01").doesNotContain("00000000000000000000000000000000");

            HttpResponse<String> tooLong = gateway.get("/long", "X-Request-Id", "x".repeat(129));
            assertThat(tooLong.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f]{32}");
        }
    }

    @Test
    void everyRequestGetsOneAccessLogLine() throws Exception {
        try (RecordingBackend backend = new RecordingBackend();
             Gateway gateway = Gateway.start(Gateway.upstream("pool", backend.address()))) {
            capture();
            gateway.get("/logged/path?secret=hidden", "X-Request-Id", "req-1");
            HttpClient client = HttpClient.newHttpClient();
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/upload"))
                    .header("X-Request-Id", "req-2")
                    .POST(HttpRequest.BodyPublishers.ofString("eleven char")).build(), HttpResponse.BodyHandlers.ofString());
            Gateway.await(Duration.ofSeconds(5), () -> httpLog.list.size() >= 2, "two access log lines");

            String get = lines(httpLog).stream().filter(l -> l.contains("id=req-1")).findFirst().orElseThrow();
            assertThat(get).matches("\\d{4}-\\d\\d-\\d\\dT\\S+ 127\\.0\\.0\\.1 \"GET /logged/path HTTP/1\\.1\" 200 in=0 out=8 "
                    + "\\d+\\.\\d{3}ms route=pool upstream=" + java.util.regex.Pattern.quote(backend.address()) + " id=req-1");
            assertThat(get).doesNotContain("hidden");
            String post = lines(httpLog).stream().filter(l -> l.contains("id=req-2")).findFirst().orElseThrow();
            assertThat(post).contains("\"POST /upload HTTP/1.1\" 200 in=11 out=8 ");
        }
    }

    @Test
    void withStructuredLoggingEachLineIsJsonWithItsFields() {
        java.io.PrintStream console = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                console.write(b);
                synchronized (captured) {
                    captured.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                console.write(bytes, offset, length);
                synchronized (captured) {
                    captured.write(bytes, offset, length);
                }
            }
        }, true));
        try (RecordingBackend backend = new RecordingBackend()) {
            Map<String, Object> properties = new LinkedHashMap<>(Gateway.upstream("pool", backend.address()));
            properties.put("logging.structured.format.console", "ecs");
            try (Gateway gateway = Gateway.start(properties)) {
                gateway.get("/json", "X-Request-Id", "json-1");
                Gateway.await(Duration.ofSeconds(5), () -> captured.toString(StandardCharsets.UTF_8).contains("json-1"),
                        "the access log line");
            }
        } finally {
            System.setOut(console);
        }
        String line = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("turnpike.access.http")).findFirst().orElseThrow();
        assertThat(line).startsWith("{").contains("\"status\":200", "\"route\":\"pool\"", "\"requestId\":\"json-1\"",
                "\"method\":\"GET\"", "\"path\":\"/json\"");
    }

    @Test
    void requestsTheGatewayAnswersItselfAreLoggedToo() {
        try (RecordingBackend backend = new RecordingBackend();
             Gateway gateway = Gateway.start(Map.of())) {
            capture();
            HttpResponse<String> missing = gateway.get("/nowhere", "X-Request-Id", "lost-1");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.headers().firstValue("X-Request-Id")).hasValue("lost-1");
            Gateway.await(Duration.ofSeconds(5), () -> !httpLog.list.isEmpty(), "an access log line");
            assertThat(lines(httpLog).get(0)).contains("\"GET /nowhere HTTP/1.1\" 404 ", "route=- upstream=- id=lost-1");
            gateway.management("/actuator/health");
            assertThat(lines(httpLog)).hasSize(1);
        }
    }

    @Test
    void everyClosedL4ConnectionGetsOneLine() throws Exception {
        try (TcpBackend backend = TcpBackend.start(TcpBackend.echo())) {
            Map<String, Object> properties = new LinkedHashMap<>(L4Gateway.upstream("echo", backend.address()));
            properties.putAll(L4Gateway.tcpListener(0, "echo", "echo"));
            try (Gateway gateway = Gateway.start(properties)) {
                capture();
                try (Socket socket = L4Gateway.connect(gateway, "echo")) {
                    socket.getOutputStream().write("ping!".getBytes(StandardCharsets.UTF_8));
                    socket.shutdownOutput();
                    assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("ping!");
                }
                Gateway.await(Duration.ofSeconds(5), () -> !l4Log.list.isEmpty(), "an L4 access log line");
                assertThat(lines(l4Log).get(0)).matches("\\S+ 127\\.0\\.0\\.1 listener=echo upstream="
                        + java.util.regex.Pattern.quote(backend.address()) + " sni=- in=5 out=5 \\d+\\.\\d{3}ms ended=closed");
            }
        }
    }
}
