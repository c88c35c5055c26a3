package dev.turnpike.warmup;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The backend the start-up warm-up proxies to: a blocking HTTP/1.1 server on a loopback port that answers
 * {@value #BULK_PATH} with a {@value #BULK_BYTES}-byte body and then closes, answers every other request with
 * the same small response, keeps connections alive until a request says {@code Connection: close}, and reads no
 * request bodies (the warm-up sends none). It runs on plain threads of its own, outside Netty, so that it adds
 * no type profile of its own to the gateway's code.
 */
final class LoopbackBackend implements AutoCloseable {

    private static final byte[] BODY = "turnpike warm-up response, the size of a small API answer: 0123456789abcdefghijklmnopq\n"
            .getBytes(StandardCharsets.US_ASCII);
    static final String BULK_PATH = "/bulk";
    static final int BULK_BYTES = 1 << 20;
    private static final byte[] KEEP_ALIVE = response(BODY, "");
    private static final byte[] CLOSE = response(BODY, "Connection: close\r\n");
    private static final byte[] BULK = response(new byte[BULK_BYTES], "Connection: close\r\n");

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "turnpike-warmup-backend");
        thread.setDaemon(true);
        return thread;
    });

    LoopbackBackend() throws IOException {
        socket = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress()); // the many-connections load connects in bursts
        threads.execute(this::accept);
    }

    int port() {
        return socket.getLocalPort();
    }

    private static byte[] response(byte[] body, String extraHeader) {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n" + extraHeader + "\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                threads.execute(() -> serve(connection));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void serve(Socket connection) {
        try (connection; InputStream in = new BufferedInputStream(connection.getInputStream());
             OutputStream out = connection.getOutputStream()) {
            connection.setTcpNoDelay(true);
            String head;
            while ((head = HttpHeads.read(in)) != null) {
                boolean bulk = head.startsWith("GET " + BULK_PATH + " ");
                boolean close = bulk || HttpHeads.says(head, "connection", "close");
                out.write(bulk ? BULK : close ? CLOSE : KEEP_ALIVE);
                out.flush();
                if (close) {
                    return;
                }
            }
        } catch (IOException e) {
            // the gateway closed or reset the connection: nothing more to serve
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        threads.shutdownNow();
    }
}
