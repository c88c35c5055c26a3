package dev.turnpike.warmup;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The warm-up's HTTP/1.1 client: blocking sockets, plain or TLS, to the gateway's own listeners on the
 * loopback address. Each TLS connection makes a full handshake: its session is never offered again.
 */
final class LoopbackClient {

    private static final int TIMEOUT_MILLIS = 5000;

    private final SSLSocketFactory tls;

    private LoopbackClient(SSLSocketFactory tls) {
        this.tls = tls;
    }

    static LoopbackClient plain() {
        return new LoopbackClient(null);
    }

    /**
     * A TLS client that accepts whatever certificate it is shown: it only ever talks to this process's own
     * listeners on the loopback address, and sends nothing of value.
     */
    static LoopbackClient tls() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        return new LoopbackClient(context.getSocketFactory());
    }

    /**
     * Sends {@code requests} GET requests on one new connection, the last with {@code Connection: close},
     * and reads every response. Throws when a response is not 200 or the connection fails.
     *
     * @param headers further header lines, each ending in CRLF
     */
    void exchange(int port, int requests, String headers) throws IOException {
        try (Socket socket = tls == null ? new Socket() : tls.createSocket()) {
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
            if (socket instanceof SSLSocket secured) {
                secured.getSession().invalidate();
            }
        }
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
