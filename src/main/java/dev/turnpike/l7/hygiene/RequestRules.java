package dev.turnpike.l7.hygiene;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The framing rules a request head must pass before it is routed: exactly one unambiguous way to
 * tell where its body ends, no look-alikes of the framing headers. These are the cases that make
 * a proxy and its backend disagree about where one request stops and the next begins.
 */
final class RequestRules {

    private static final Set<String> CODINGS = Set.of("chunked", "gzip", "x-gzip", "deflate", "compress", "x-compress", "identity");

    private RequestRules() {
    }

    /** The reason to refuse this request head, or null when it may go on. */
    static Rejection check(HttpRequest request, long maxBodyBytes) {
        HttpVersion version = request.protocolVersion();
        List<String> lengths = null;
        List<String> encodings = null;
        boolean host = false;
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey();
            if (name.equalsIgnoreCase("Host")) {
                if (host || !validHost(header.getValue())) {
                    return Rejection.badRequest("host", host ? "more than one Host header" : "malformed Host header");
                }
                host = true;
            } else if (name.equalsIgnoreCase("Content-Length")) {
                lengths = add(lengths, header.getValue());
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                encodings = add(encodings, header.getValue());
            } else if (looksLikeFraming(name)) {
                return Rejection.badRequest("ambiguous-header", "header name resembling a framing header: " + printable(name));
            }
        }
        if (lengths != null && encodings != null) {
            return Rejection.badRequest("te-and-cl", "both Content-Length and Transfer-Encoding");
        }
        boolean bodiless = request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
        if (encodings != null) {
            Rejection rejection = checkEncodings(encodings);
            if (rejection != null) {
                return rejection;
            }
            if (bodiless || version.majorVersion() < 1 || version.minorVersion() < 1) {
                return Rejection.badRequest("undefined-body", "Transfer-Encoding on a " + request.method() + " " + version + " request");
            }
        }
        if (lengths != null) {
            if (lengths.size() > 1) {
                return Rejection.badRequest("content-length", "more than one Content-Length");
            }
            long length = parseLength(lengths.get(0));
            if (length < 0) {
                return Rejection.badRequest("content-length", "Content-Length is not a decimal number");
            }
            if ((bodiless && length > 0) || version.majorVersion() < 1) {
                return Rejection.badRequest("undefined-body", "Content-Length on a " + request.method() + " " + version + " request");
            }
            if (length > maxBodyBytes) {
                return new Rejection(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body-too-large",
                        "request body of " + length + " bytes is over the limit of " + maxBodyBytes);
            }
        }
        return null;
    }

    private static Rejection checkEncodings(List<String> headerValues) {
        int chunked = 0;
        String last = null;
        for (String value : headerValues) {
            for (String element : value.split(",")) {
                String coding = element.trim();
                int parameters = coding.indexOf(';');
                String name = (parameters >= 0 ? coding.substring(0, parameters) : coding).trim().toLowerCase(Locale.ROOT);
                if (name.isEmpty() || !CODINGS.contains(name)) {
                    return Rejection.badRequest("transfer-encoding", "unknown or malformed transfer coding: " + printable(coding));
                }
                if (name.equals("chunked")) {
                    if (parameters >= 0) {
                        return Rejection.badRequest("transfer-encoding", "chunked takes no parameters");
                    }
                    chunked++;
                }
                last = name;
            }
        }
        if (chunked != 1 || !"chunked".equals(last)) {
            return Rejection.badRequest("transfer-encoding", "chunked must be the last transfer coding, once");
        }
        return null;
    }

    /**
     * Takes an {@code Upgrade: h2c} offer out of the request: the gateway never switches a
     * connection to cleartext HTTP/2 on request, and must never pass the offer on, or a backend
     * that accepts it would carry a tunnel past every route's rules (h2c smuggling). The request
     * itself is served as the HTTP/1.1 request it also is, as RFC 9110 lets a server ignore an upgrade.
     */
    static void dropH2cUpgrade(HttpHeaders headers) {
        String upgrade = headers.get(HttpHeaderNames.UPGRADE);
        if (upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("h2c")) {
            return;
        }
        headers.remove(HttpHeaderNames.UPGRADE);
        headers.remove("HTTP2-Settings");
        List<String> kept = new java.util.ArrayList<>();
        for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : connection.split(",")) {
                String t = token.trim();
                if (!t.isEmpty() && !t.equalsIgnoreCase("upgrade") && !t.equalsIgnoreCase("http2-settings")) {
                    kept.add(t);
                }
            }
        }
        headers.remove(HttpHeaderNames.CONNECTION);
        if (!kept.isEmpty()) {
            headers.set(HttpHeaderNames.CONNECTION, String.join(", ", kept));
        }
    }

    /** A host name, IPv4 or bracketed IPv6 address, with an optional port: nothing a folded line could hide in. */
    static boolean validHost(String value) {
        if (value.isEmpty() || value.length() > 262) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Names such as Transfer_Encoding or Content---Length, which some servers fold into the real ones. */
    static boolean looksLikeFraming(String name) {
        if (name.length() < 13) {
            return false;
        }
        StringBuilder letters = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isLetter(c)) {
                letters.append(Character.toLowerCase(c));
            }
        }
        String folded = letters.toString();
        return folded.equals("transferencoding") || folded.equals("contentlength");
    }

    private static long parseLength(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }

    private static List<String> add(List<String> values, String value) {
        List<String> list = values == null ? new java.util.ArrayList<>(1) : values;
        list.add(value);
        return list;
    }

    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && i < 64; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return out.toString();
    }
}
