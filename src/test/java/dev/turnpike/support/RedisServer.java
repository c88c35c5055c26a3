package dev.turnpike.support;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

/** A real redis-server (the Debian package) on a free loopback port, without persistence. */
public final class RedisServer implements AutoCloseable {

    private final Process process;
    private final int port;

    private RedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static RedisServer start() {
        String binary = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server").stream()
                .filter(path -> new File(path).canExecute()).findFirst()
                .orElseThrow(() -> new IllegalStateException("redis-server is not installed (apt-get install redis-server)"));
        int port = TestBackend.closedPort();
        try {
            Process process = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Gateway.await(Duration.ofSeconds(10), () -> accepts(port), "redis-server listening on " + port);
            return new RedisServer(process, port);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** Kills the server at once, as a crash would. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
