package dev.turnpike.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Tiny HTTP backends that make a first run useful: each answers with its own name, the request
 * line and headers (like Traefik's whoami), {@code /health} with 200, and echoes WebSocket
 * messages on any path when asked to upgrade.
 */
public final class DemoBackends implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DemoBackends.class);

    private final String host;
    private final List<Integer> ports;
    private final List<DisposableServer> servers = new ArrayList<>();

    public DemoBackends(String host, List<Integer> ports) {
        this.host = host;
        this.ports = List.copyOf(ports);
    }

    @Override
    public void start() {
        for (int port : ports) {
            String name = "demo-" + port;
            servers.add(HttpServer.create()
                    .host(host)
                    .port(port)
                    .handle((request, response) -> handle(name, request, response))
                    .bindNow());
        }
        log.info("demo backends listening on {}:{}", host, ports);
    }

    private static org.reactivestreams.Publisher<Void> handle(String name, HttpServerRequest request,
                                                              HttpServerResponse response) {
        if ("websocket".equalsIgnoreCase(request.requestHeaders().get("Upgrade"))) {
            return response.sendWebsocket((in, out) -> out.sendString(in.receive().asString().map(text -> name + ": " + text)));
        }
        if (request.uri().equals("/health")) {
            return response.header("Content-Type", "text/plain").sendString(Mono.just("ok\n"));
        }
        StringBuilder body = new StringBuilder()
                .append("Name: ").append(name).append('\n')
                .append(request.method()).append(' ').append(request.uri()).append(' ').append(request.version()).append('\n');
        for (Map.Entry<String, String> header : request.requestHeaders()) {
            body.append(header.getKey()).append(": ").append(header.getValue()).append('\n');
        }
        if (request.remoteAddress() != null) {
            body.append("RemoteAddr: ").append(request.remoteAddress().getHostString()).append(':')
                    .append(request.remoteAddress().getPort()).append('\n');
        }
        return request.receive().then(response.header("Content-Type", "text/plain; charset=utf-8")
                .header("X-Demo-Backend", name)
                .sendString(Mono.just(body.toString())).then());
    }

    @Override
    public void stop() {
        servers.forEach(DisposableServer::disposeNow);
        servers.clear();
    }

    @Override
    public boolean isRunning() {
        return !servers.isEmpty();
    }

    @Override
    public int getPhase() {
        // before the upstream pools run their first health checks
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
