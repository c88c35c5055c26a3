package dev.turnpike.warmup;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The warm-up's plain HTTP/1.1 client: blocking sockets to the gateway's own listeners on the loopback
 * address, on the warm-up's threads, outside Netty.
 */
final class LoopbackPlainClient {

    private static final int TIMEOUT_MILLIS = 5000;

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
        try (Socket socket = new Socket()) {
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

    private static void readResponse(InputStream in) throws IOException {
        String head = HttpHeads.read(in);
        if (head == null) {
            throw new IOException("connection closed before a response");
        }
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
}
