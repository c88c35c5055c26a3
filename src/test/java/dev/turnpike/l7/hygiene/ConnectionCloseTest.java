package dev.turnpike.l7.hygiene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.RawHttp;
import dev.turnpike.support.RawHttp.Exchange;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A client that reads a whole response and at once sends its last request, with
 * {@code Connection: close}, gets that request answered even when the server writes the end of the
 * previous response a moment after its body. The server here writes each five-byte body, then
 * waits 300 ms before it ends the response, the way a proxied response ends once the backend
 * connection reports completion.
 */
class ConnectionCloseTest {

    private static final HttpHardening SETTINGS = new HttpHardening(DataSize.ofKilobytes(64), Duration.ofSeconds(10),
            Duration.ofSeconds(60), new HttpHardening.Http2Limits(100, DataSize.ofKilobytes(16), 100, Duration.ofSeconds(30)),
            new SimpleMeterRegistry());

    private DisposableServer server;

    private static HttpServer lateEndingServer() {
        return HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> response
                .header("Content-Length", "5")
                .sendString(Flux.just(request.uri().substring(1, 2), "body"))
                .then()
                .then(Mono.delay(Duration.ofMillis(300)).then()));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow();
        }
    }

    @Test
    void lastRequestSentRightAfterAResponseIsAnswered() throws IOException {
        server = new HttpHardeningCustomizer(SETTINGS).apply(lateEndingServer()).bindNow();

        List<Exchange> answers = RawHttp.oneAfterAnother(server.port(),
                "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

        assertThat(answers).extracting(Exchange::body).containsExactly("1body", "2body", "3body");
        assertThat(answers.get(2).header("Connection")).isEqualToIgnoringCase("close");
        assertThat(answers.get(2).closed()).isTrue();
    }

    @Test
    void http10RequestWithoutKeepAliveSentRightAfterAResponseIsAnswered() throws IOException {
        server = new HttpHardeningCustomizer(SETTINGS).apply(lateEndingServer()).bindNow();

        List<Exchange> answers = RawHttp.oneAfterAnother(server.port(),
                "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET /2 HTTP/1.0\r\nHost: a\r\n\r\n");

        assertThat(answers).extracting(Exchange::body).containsExactly("1body", "2body");
        assertThat(answers.get(1).closed()).isTrue();
    }

    @Test
    void pipelinedRequestsEndingWithCloseAreAllAnsweredInOrder() throws IOException {
        server = new HttpHardeningCustomizer(SETTINGS).apply(lateEndingServer()).bindNow();

        List<Exchange> answers = RawHttp.pipelined(server.port(),
                "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
                        + "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
                        + "POST /3 HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nConnection: close\r\n\r\nping"
                        + "GET /4 HTTP/1.1\r\nHost: a\r\n\r\n", 3);

        assertThat(answers).extracting(Exchange::body).containsExactly("1body", "2body", "3body");
        assertThat(answers.get(2).closed()).as("nothing after the request that asked to close").isTrue();
    }

    /**
     * Reactor Netty alone applies the last request's {@code Connection: close} to the response
     * still being written and never answers the last request. When this starts failing, Reactor
     * Netty has fixed it and {@link ConnectionClose} can go.
     */
    @Test
    void withoutItReactorNettyClosesBeforeTheLastAnswer() throws IOException {
        server = lateEndingServer().bindNow();

        List<Exchange> answers = RawHttp.oneAfterAnother(server.port(),
                "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET /2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

        assertThat(answers).extracting(Exchange::status).containsExactly(200, 0);
    }
}
