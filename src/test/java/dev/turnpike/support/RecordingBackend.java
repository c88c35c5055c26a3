package dev.turnpike.support;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A backend that records every request it receives (method, target, headers as sent, body) and
 * answers 200. It validates nothing, so what reaches it is exactly what the gateway let through.
 */
public final class RecordingBackend implements AutoCloseable {

    public record Received(String method, String uri, List<Map.Entry<String, String>> headers, String body) {

        public String header(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }
    }

    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final DisposableServer server;

    public RecordingBackend() {
        server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .httpRequestDecoder(spec -> spec.validateHeaders(false))
                .handle((request, response) -> request.receive().aggregate().asString()
                        .defaultIfEmpty("")
                        .flatMap(body -> {
                            received.add(new Received(request.method().name(), request.uri(),
                                    List.copyOf(request.requestHeaders().entries()), body));
                            return response.status(200).sendString(Mono.just("recorded")).then();
                        }))
                .bindNow();
    }

    public String address() {
        return "127.0.0.1:" + server.port();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public void clear() {
        received.clear();
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
