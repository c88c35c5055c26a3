package dev.turnpike.warmup;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/** Reading the head of an HTTP/1.1 message from a blocking stream, for the warm-up's own client and backend. */
final class HttpHeads {

    private static final int MAX_HEAD = 16 * 1024;
    private static final String END = "\r\n\r\n";

    private HttpHeads() {
    }

    /**
     * The head up to and including its blank line; null when the stream ends before the first byte.
     * The stream should be buffered: it is read a byte at a time.
     */
    static String read(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder(256);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.isEmpty()) {
                    return null;
                }
                throw new EOFException("connection closed inside a message head");
            }
            if (head.length() == MAX_HEAD) {
                throw new IOException("message head over " + MAX_HEAD + " bytes");
            }
            head.append((char) b);
            matched = b == END.charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString();
    }

    /** Whether a header of that name (any case) has that value (any case). */
    static boolean says(String head, String name, String value) {
        String found = value(head, name);
        return found != null && found.equalsIgnoreCase(value);
    }

    /** The value of the first header of that name, trimmed; null when there is none. */
    static String value(String head, String name) {
        String lower = head.toLowerCase(Locale.ROOT);
        String key = "\r\n" + name.toLowerCase(Locale.ROOT) + ":";
        int at = lower.indexOf(key);
        if (at < 0) {
            return null;
        }
        int start = at + key.length();
        return head.substring(start, head.indexOf("\r\n", start)).trim();
    }

    /** The status code of a response head. */
    static int status(String head) throws IOException {
        if (!head.startsWith("HTTP/1.1 ") || head.length() < 12) {
            throw new IOException("not an HTTP/1.1 response: " + head.lines().findFirst().orElse(""));
        }
        return Integer.parseInt(head, 9, 12, 10);
    }
}
