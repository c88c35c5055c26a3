package dev.turnpike.support;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A real HTTP backend on a loopback port: answers with its name, counts requests and TCP
 * connections, and can be slowed, made to fail, stopped and started again on the same port.
 */
public final class TestBackend implements AutoCloseable {

    private final String name;
    private volatile int port;
    private volatile DisposableServer server;
    private volatile Duration delay = Duration.ZERO;
    private volatile int status = 200;
    private volatile int healthStatus = 200;

    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger warmupRequests = new AtomicInteger();
    private final AtomicInteger connectionsAccepted = new AtomicInteger();
    private final Set<io.netty.channel.Channel> openConnections = ConcurrentHashMap.newKeySet();

    private TestBackend(String name) {
        this.name = name;
    }

    public static TestBackend start(String name) {
        TestBackend backend = new TestBackend(name);
        backend.bind(0);
        return backend;
    }

    private void bind(int requestedPort) {
        server = HttpServer.create()
                .host("127.0.0.1")
                .port(requestedPort)
                .doOnChannelInit((observer, channel, remoteAddress) -> {
                    connectionsAccepted.incrementAndGet();
                    openConnections.add(channel);
                    channel.closeFuture().addListener(f -> openConnections.remove(channel));
                })
                .handle((request, response) -> {
                    if ("websocket".equalsIgnoreCase(request.requestHeaders().get("Upgrade"))) {
                        return response.sendWebsocket((in, out) ->
                                out.sendString(in.receive().asString().map(text -> name + " echoes " + text)));
                    }
                    if ("turnpike-warmup".equals(request.requestHeaders().get("User-Agent"))) {
                        warmupRequests.incrementAndGet();
                        return response.status(200).send();
                    }
                    if (request.uri().equals("/health")) {
                        return response.status(healthStatus).sendString(Mono.just("health " + healthStatus));
                    }
                    requests.incrementAndGet();
                    String forwardedFor = String.valueOf(request.requestHeaders().get("X-Forwarded-For"));
                    String forwarded = String.valueOf(request.requestHeaders().get("Forwarded"));
                    Mono<String> body = Mono.just(name + "\n" + "uri=" + request.uri() + "\n"
                            + "x-forwarded-for=" + forwardedFor + "\n"
                            + "forwarded=" + forwarded + "\n");
                    return request.receive().then(Mono.delay(delay).then(
                            response.status(status).header("X-Backend", name).sendString(body).then()));
                })
                .bindNow();
        port = server.port();
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public TestBackend delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    public TestBackend status(int status) {
        this.status = status;
        return this;
    }

    public TestBackend healthStatus(int healthStatus) {
        this.healthStatus = healthStatus;
        return this;
    }

    public int requests() {
        return requests.get();
    }

    public int warmupRequests() {
        return warmupRequests.get();
    }

    public int connectionsAccepted() {
        return connectionsAccepted.get();
    }

    public int openConnections() {
        return openConnections.size();
    }

    /** Closes every accepted connection, as a backend's keep-alive timeout would. */
    public void closeConnections() {
        openConnections.forEach(io.netty.channel.Channel::close);
    }

    public void stop() {
        DisposableServer current = server;
        if (current != null) {
            current.disposeNow();
            server = null;
        }
    }

    /** Listens again on the port it had before {@link #stop()}. */
    public void restart() {
        bind(port);
    }

    @Override
    public void close() {
        stop();
    }

    /** A loopback port with nothing listening on it. */
    public static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
