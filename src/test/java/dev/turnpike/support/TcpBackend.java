package dev.turnpike.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A plain-socket backend on 127.0.0.1 and a free port: each accepted connection runs the handler on its
 * own thread. TLS backends take an {@link SSLContext} and hand the handler an already-handshaken socket.
 */
public final class TcpBackend implements AutoCloseable {

    public interface Handler {
        void handle(Socket socket) throws Exception;
    }

    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    private TcpBackend(ServerSocket server, Handler handler) {
        this.server = server;
        Thread acceptor = new Thread(() -> acceptLoop(handler), "tcp-backend-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static TcpBackend start(Handler handler) throws IOException {
        return new TcpBackend(new ServerSocket(0, 512, InetAddress.getLoopbackAddress()), handler);
    }

    public static TcpBackend tls(SSLContext context, Handler handler) throws IOException {
        return new TcpBackend(context.getServerSocketFactory().createServerSocket(0, 512, InetAddress.getLoopbackAddress()),
                handler);
    }

    /** Writes back what it reads; at the client's FIN it finishes writing and sends its own. */
    public static Handler echo() {
        return socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            in.transferTo(out);
            socket.shutdownOutput();
        };
    }

    private void acceptLoop(Handler handler) {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException closed) {
                return;
            }
            accepted.incrementAndGet();
            sockets.add(socket);
            Thread worker = new Thread(() -> {
                try (socket) {
                    handler.handle(socket);
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "tcp-backend-conn");
            worker.setDaemon(true);
            worker.start();
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    public int accepted() {
        return accepted.get();
    }

    /** What the handlers threw, such as a reset seen while reading. */
    public List<Throwable> errors() {
        return errors;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
