package dev.turnpike.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sends bytes exactly as given over a plain socket and reads one HTTP/1.1 response, then tells
 * whether the server closed the connection. HTTP client libraries normalise the bytes under test.
 */
public final class RawHttp {

    /** One response: its status (0 when the server closed without answering, -1 when it said nothing for 5 s), head, body and whether it closed. */
    public record Exchange(int status, String head, String body, boolean closed) {

        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private RawHttp() {
    }

    public static Exchange send(int port, String request) {
        return send(port, request.getBytes(StandardCharsets.ISO_8859_1), true);
    }

    /** With {@code awaitClose}, waits up to two seconds to see whether the server closes after its answer. */
    public static Exchange send(int port, byte[] request, boolean awaitClose) {
        try (Socket socket = connect(port)) {
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (java.net.SocketException e) {
                // the server may answer and close before it has read everything; its answer is still there to read
            }
            InputStream in = socket.getInputStream();
            boolean headRequest = new String(request, 0, Math.min(5, request.length), StandardCharsets.ISO_8859_1).equals("HEAD ");
            Exchange answer = readResponse(in, headRequest);
            if (answer.status() == 0) {
                return answer;
            }
            return new Exchange(answer.status(), answer.head(), answer.body(), awaitClose && closesSoon(socket, in));
        } catch (SocketTimeoutException e) {
            return new Exchange(-1, "timed out", "", false);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends each request once the answer to the one before has been read in full; the last answer is
     * marked closed when the server closes the connection within two seconds of it.
     */
    public static List<Exchange> oneAfterAnother(int port, String... requests) throws IOException {
        try (Socket socket = connect(port)) {
            List<Exchange> answers = new ArrayList<>();
            for (String request : requests) {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                answers.add(readResponse(socket.getInputStream(), false));
            }
            return withCloseOfLast(answers, socket);
        }
    }

    /**
     * Sends all the requests in one write and reads {@code expected} answers; the last is marked closed
     * when the server closes the connection within two seconds of it.
     */
    public static List<Exchange> pipelined(int port, String requests, int expected) throws IOException {
        try (Socket socket = connect(port)) {
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            List<Exchange> answers = new ArrayList<>();
            for (int i = 0; i < expected; i++) {
                answers.add(readResponse(socket.getInputStream(), false));
            }
            return withCloseOfLast(answers, socket);
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(5000);
        return socket;
    }

    private static List<Exchange> withCloseOfLast(List<Exchange> answers, Socket socket) throws IOException {
        Exchange last = answers.get(answers.size() - 1);
        if (last.status() != 0) {
            answers.set(answers.size() - 1, new Exchange(last.status(), last.head(), last.body(),
                    closesSoon(socket, socket.getInputStream())));
        }
        return answers;
    }

    /** Reads one response from a connection the caller holds; status 0 when the server closed before answering. */
    public static Exchange readResponse(InputStream in, boolean toHeadRequest) throws IOException {
        String head = readHead(in);
        if (head == null) {
            return new Exchange(0, "", "", true);
        }
        Exchange partial = new Exchange(Integer.parseInt(head.substring(9, 12)), head, "", false);
        String body = toHeadRequest ? "" : readBody(in, partial);
        return new Exchange(partial.status(), head, body, false);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b;
            try {
                b = in.read();
            } catch (java.net.SocketException e) {
                b = -1;
            }
            if (b < 0) {
                return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String readBody(InputStream in, Exchange partial) throws IOException {
        String length = partial.header("Content-Length");
        if (length != null) {
            return new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
        }
        String encoding = partial.header("Transfer-Encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    readLine(in);
                    return body.toString(StandardCharsets.UTF_8);
                }
                body.write(in.readNBytes(size));
                readLine(in);
            }
        }
        return "";
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /** True when the server closes the connection within two seconds of its answer. */
    private static boolean closesSoon(Socket socket, InputStream in) throws IOException {
        socket.setSoTimeout(2000);
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true;
        }
    }
}
