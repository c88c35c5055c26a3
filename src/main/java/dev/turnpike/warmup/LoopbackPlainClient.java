package dev.turnpike.warmup;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The warm-up's plain HTTP/1.1 client: blocking sockets to the gateway's own listeners on the loopback
 * address, on the warm-up's threads, outside Netty.
 */
final class LoopbackPlainClient {

    private static final int TIMEOUT_MILLIS = 5000;
    /**
     * The bulk client's receive buffer: far smaller than the kernel's default, so that the gateway fills it and has
     * to hold back reading from the backend, as it must for any client slower than its backend.
     */
    private static final int BULK_RECEIVE_BUFFER = 16 * 1024;
    /**
     * What a bulk exchange counts as requests: one per receive buffer's worth, for each of which the gateway reads
     * from the backend and writes to the client.
     */
    private static final int BULK_REQUESTS = LoopbackBackend.BULK_BYTES / BULK_RECEIVE_BUFFER;
    /**
     * A bulk exchange moves a mebibyte: at the pace of the other loads' trickle it alone would take much of the
     * core from the handshakes. What it is for, the branches of large transfers in the relay's profile, needs
     * only that it keeps coming now and then.
     */
    private static final Duration BULK_TRICKLE = Duration.ofMillis(100);

    /**
     * Of the many connections held at once, one in this many closes without a request, and one leaves without
     * reading its answer.
     */
    static final int PROBE_EVERY = 16;
    /**
     * Holding many connections costs a burst of the core, and what it is for happens in the first bursts (the
     * tables grow once); once the load has made its share, one burst a thread a second keeps its code called
     * while the compiler works through its queue.
     */
    private static final Duration MANY_TRICKLE = Duration.ofSeconds(1);

    private LoopbackPlainClient() {
    }

    /**
     * {@code requests} GET requests on one new connection, the last with {@code Connection: close}, every
     * response read. Fails when a response is not 200 or the connection fails.
     */
    static Exchange exchange(int port, int requests, Map<String, String> headers) {
        StringBuilder lines = new StringBuilder();
        headers.forEach((name, value) -> lines.append(name).append(": ").append(value).append("\r\n"));
        String extra = lines.toString();
        return () -> exchange(port, requests, extra);
    }

    private static int exchange(int port, int requests, String headers) throws IOException {
        try (Socket socket = newSocket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            for (int i = 1; i <= requests; i++) {
                String request = "GET / HTTP/1.1\r\nHost: localhost\r\n" + headers
                        + (i == requests ? "Connection: close\r\n" : "") + "\r\n";
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                readResponse(in);
            }
        }
        return requests;
    }

    /**
     * A large download through a TCP listener on one new connection. Turns alternate between reading the whole
     * body and walking away halfway with unread bytes, which resets the connection, as clients and load
     * generators do when they stop. Returns {@link #BULK_REQUESTS}.
     */
    static Exchange bulk(int port) {
        AtomicLong turns = new AtomicLong();
        byte[] request = ("GET " + LoopbackBackend.BULK_PATH + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        return new Exchange() {
            @Override
            public int run() throws IOException {
                bulk(port, request, turns.getAndIncrement() % 2 == 0 ? LoopbackBackend.BULK_BYTES : LoopbackBackend.BULK_BYTES / 2);
                return BULK_REQUESTS;
            }

            @Override
            public Duration trickle() {
                return BULK_TRICKLE;
            }
        };
    }

    private static void bulk(int port, byte[] request, int bytesToRead) throws IOException {
        try (Socket socket = newSocket()) {
            socket.setReceiveBufferSize(BULK_RECEIVE_BUFFER);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
            socket.getOutputStream().write(request);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            int status = HttpHeads.status(readHead(in));
            if (status != 200) {
                throw new IOException("response " + status);
            }
            byte[] chunk = new byte[8192];
            for (int left = bytesToRead; left > 0; ) {
                int read = in.read(chunk, 0, Math.min(chunk.length, left));
                if (read < 0) {
                    throw new IOException("connection closed with " + left + " bytes of the bulk body unread");
                }
                left -= read;
            }
        }
    }

    /**
     * {@code count} new connections held open at once, as a busy listener holds them. Of every
     * {@value #PROBE_EVERY}, one closes as soon as it is connected, with no request, as TCP health checks do; one
     * sends a keep-alive request and closes without reading the answer, as a load generator's connections do when
     * it stops, which resets the connection while the gateway reads from it; the others each send one request
     * ({@code Connection: close}) and read the response. So the gateway's event loops grow their tables of
     * channels and fill their submission rings in one turn, tunnels start for clients that have already left, and
     * reads end in resets, before traffic does any of that. Returns {@code count}.
     */
    static Exchange manyConnections(int port, int count) {
        byte[] closing = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] keepingAlive = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        return new Exchange() {
            @Override
            public int run() throws IOException {
                List<Socket> sockets = new ArrayList<>(count);
                try {
                    for (int i = 0; i < count; i++) {
                        Socket socket = newSocket();
                        sockets.add(socket);
                        socket.setSoTimeout(TIMEOUT_MILLIS);
                        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
                    }
                    for (int i = 0; i < count; i++) {
                        if (closesUnasked(i)) {
                            sockets.get(i).close();
                        } else {
                            sockets.get(i).getOutputStream().write(leaves(i) ? keepingAlive : closing);
                        }
                    }
                    for (int i = 0; i < count; i++) {
                        if (leaves(i)) {
                            sockets.get(i).close(); // unread bytes, and the gateway still reading: a reset
                        } else if (!closesUnasked(i)) {
                            readResponse(new BufferedInputStream(sockets.get(i).getInputStream()));
                        }
                    }
                } finally {
                    for (Socket socket : sockets) {
                        socket.close();
                    }
                }
                return count;
            }

            @Override
            public Duration trickle() {
                return MANY_TRICKLE;
            }
        };
    }

    private static boolean closesUnasked(int connection) {
        return connection % PROBE_EVERY == 0;
    }

    private static boolean leaves(int connection) {
        return connection % PROBE_EVERY == PROBE_EVERY / 2;
    }

    /**
     * A socket that skips the proxy lookup a plain {@code new Socket()} makes on every connect (a URI built and
     * parsed, a proxy selector asked): that is work for the core and for the JIT compiler, which the warm-up
     * wants for the gateway's own code.
     */
    private static Socket newSocket() {
        return new Socket(Proxy.NO_PROXY);
    }

    private static void readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        int status = HttpHeads.status(head);
        String length = HttpHeads.value(head, "content-length");
        if (length == null) {
            throw new IOException("response " + status + " without Content-Length");
        }
        int expected = Integer.parseInt(length);
        if (in.readNBytes(expected).length < expected) {
            throw new IOException("connection closed inside a response body");
        }
        if (status != 200) {
            throw new IOException("response " + status);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        String head = HttpHeads.read(in);
        if (head == null) {
            throw new IOException("connection closed before a response");
        }
        return head;
    }
}
