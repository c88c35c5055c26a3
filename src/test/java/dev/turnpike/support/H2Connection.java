package dev.turnpike.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A raw HTTP/2 client over a socket, frame by frame, for sending what well-behaved clients never
 * do (floods, oversized headers, resets). Header blocks are HPACK-encoded with Netty's encoder;
 * frames from the server are read on a thread of their own and queued, with SETTINGS and PING
 * acknowledged as a client must.
 */
public final class H2Connection implements AutoCloseable {

    public static final int DATA = 0x0, HEADERS = 0x1, RST_STREAM = 0x3, SETTINGS = 0x4, PING = 0x6, GOAWAY = 0x7,
            WINDOW_UPDATE = 0x8, CONTINUATION = 0x9;
    public static final int END_STREAM = 0x1, END_HEADERS = 0x4, ACK = 0x1;

    /** A frame from the server; {@code headers} is decoded for HEADERS frames that end their block. */
    public record Frame(int type, int flags, int stream, byte[] payload, Http2Headers headers) {

        public int errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return ((payload[at] & 0xff) << 24) | ((payload[at + 1] & 0xff) << 16) | ((payload[at + 2] & 0xff) << 8) | (payload[at + 3] & 0xff);
        }

        public String status() {
            return headers == null ? null : String.valueOf(headers.status());
        }

        @Override
        public String toString() {
            return "Frame[type=" + type + ", flags=" + flags + ", stream=" + stream + ", length=" + payload.length
                    + (headers != null ? ", headers=" + headers : "") + "]";
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false, false, 1 << 20);
    private volatile boolean closed;
    private volatile boolean serverSettingsAcked;

    private H2Connection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        // The preface goes out before the reader starts: the reader acknowledges the server's
        // SETTINGS, and an acknowledgement ahead of the preface is a protocol error.
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        frame(SETTINGS, 0, 0, new byte[0]);
        out.flush();
        Thread reader = new Thread(this::readFrames, "h2-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** h2 over TLS, chosen by ALPN; the server's certificate is not checked. */
    public static H2Connection tls(int port) throws Exception {
        SSLSocket socket = (SSLSocket) TrustEverything.context().getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        if (!"h2".equals(socket.getApplicationProtocol())) {
            throw new IllegalStateException("ALPN chose " + socket.getApplicationProtocol());
        }
        return new H2Connection(socket);
    }

    /** h2c by prior knowledge on a plain port. */
    public static H2Connection plain(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return new H2Connection(socket);
    }

    /** Waits until the server's settings have arrived and been acknowledged, as a client must before relying on them. */
    public H2Connection settled() {
        await(f -> f.type() == SETTINGS && (f.flags() & ACK) != 0, Duration.ofSeconds(5));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!serverSettingsAcked && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return this;
    }

    public static Http2Headers request(String method, String path) {
        return new DefaultHttp2Headers().method(method).path(path).scheme("https").authority("localhost");
    }

    public byte[] encode(Http2Headers headers) {
        ByteBuf block = Unpooled.buffer();
        try {
            encoder.encodeHeaders(1, headers, block);
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        }
        byte[] bytes = new byte[block.readableBytes()];
        block.readBytes(bytes);
        return bytes;
    }

    public void headers(int stream, Http2Headers headers, boolean endStream) throws IOException {
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, encode(headers));
    }

    public void data(int stream, byte[] bytes, boolean endStream) throws IOException {
        frame(DATA, endStream ? END_STREAM : 0, stream, bytes);
    }

    public void reset(int stream, int errorCode) throws IOException {
        frame(RST_STREAM, 0, stream, new byte[] {(byte) (errorCode >> 24), (byte) (errorCode >> 16), (byte) (errorCode >> 8), (byte) errorCode});
    }

    public synchronized void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] head = {(byte) (payload.length >> 16), (byte) (payload.length >> 8), (byte) payload.length, (byte) type, (byte) flags,
                (byte) (stream >> 24), (byte) (stream >> 16), (byte) (stream >> 8), (byte) stream};
        out.write(head);
        out.write(payload);
    }

    public synchronized void flush() throws IOException {
        out.flush();
    }

    /** The next frame that matches, or an AssertionError when none comes in time or the connection ends first. */
    public Frame await(Predicate<Frame> wanted, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (true) {
                Frame frame = frames.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (frame == null) {
                    throw new AssertionError("no matching frame within " + limit + (closed ? " (the server closed the connection)" : ""));
                }
                if (wanted.test(frame)) {
                    return frame;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The response to a request on {@code stream}: its HEADERS frame. */
    public Frame response(int stream) {
        return await(f -> f.stream() == stream && (f.type() == HEADERS || f.type() == RST_STREAM), Duration.ofSeconds(10));
    }

    public boolean isClosedByServer() {
        return closed;
    }

    private void readFrames() {
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            ByteBuf block = Unpooled.buffer();
            while (true) {
                byte[] head = new byte[9];
                in.readFully(head);
                int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
                int type = head[3] & 0xff;
                int flags = head[4] & 0xff;
                int stream = ((head[5] & 0x7f) << 24) | ((head[6] & 0xff) << 16) | ((head[7] & 0xff) << 8) | (head[8] & 0xff);
                byte[] payload = new byte[length];
                in.readFully(payload);
                Http2Headers headers = null;
                if (type == HEADERS || type == CONTINUATION) {
                    int from = 0;
                    int to = payload.length;
                    if (type == HEADERS && (flags & 0x8) != 0) {
                        from = 1;
                        to -= payload[0] & 0xff;
                    }
                    if (type == HEADERS && (flags & 0x20) != 0) {
                        from += 5;
                    }
                    block.writeBytes(payload, from, to - from);
                    if ((flags & END_HEADERS) != 0) {
                        headers = decoder.decodeHeaders(stream, block);
                        block.clear();
                    }
                }
                if (type == SETTINGS && (flags & ACK) == 0) {
                    frame(SETTINGS, ACK, 0, new byte[0]);
                    flush();
                    serverSettingsAcked = true;
                } else if (type == PING && (flags & ACK) == 0) {
                    frame(PING, ACK, 0, payload);
                    flush();
                }
                frames.add(new Frame(type, flags, stream, payload, headers));
            }
        } catch (IOException | Http2Exception e) {
            closed = true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
