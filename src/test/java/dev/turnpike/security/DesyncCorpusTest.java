package dev.turnpike.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.RawHttp;
import dev.turnpike.support.RecordingBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.yaml.snakeyaml.Yaml;

/**
 * Replays every case of the http-desync-guardian corpus (src/test/resources/http-desync-guardian)
 * over a raw socket and checks the verdict its tier demands:
 * Severe: 400, the connection closed, nothing at the backend;
 * Ambiguous: rejected with 400, or answered with the connection closed;
 * Compliant and Acceptable: forwarded with method, target, end-to-end headers and body intact,
 * except the cases in {@link #REFUSED_BY_RFC}, which break a rule of RFC 9110/9112/3986 that
 * requires or allows a server to refuse them: those get a clean 400 (505 for HTTP/0.9), the
 * connection closed, and nothing at the backend, as nginx and HAProxy do.
 */
class DesyncCorpusTest {

    record Case(String file, String name, String tier, String reason, String method, String uri,
                String version, List<String[]> headers) {
    }

    /** Case name to the rule it breaks. */
    static final Map<String, String> REFUSED_BY_RFC = Map.ofEntries(
            Map.entry("No TE/CL headers, some others are non-compliant", "RFC 9112 5.1: whitespace between field name and colon MUST get 400"),
            Map.entry("TE and some others are non-compliant", "RFC 9112 5.1: whitespace between field name and colon MUST get 400"),
            Map.entry("CL and some others are non-compliant", "RFC 9112 5.1: whitespace between field name and colon MUST get 400"),
            Map.entry("A non-essential header with a non-printable character (x01)", "RFC 9110 5.1: a field name is a token"),
            Map.entry("Some-Header\\x01", "RFC 9110 5.1: a field name is a token"),
            Map.entry("\\x01Some-Header", "RFC 9110 5.1: a field name is a token"),
            Map.entry("Some-Header: \\x01value", "RFC 9110 5.5: a field value holds no control characters"),
            Map.entry("Some-Header: value\\x01", "RFC 9110 5.5: a field value holds no control characters"),
            Map.entry("Non-RFC, but OK HTTP/0.9", "HTTP/0.9 is not served: 505"),
            Map.entry("Empty version, which means HTTP/0.9", "RFC 9112 3: the request line needs a version"),
            Map.entry("Extra spaces in version", "RFC 9112 3: one SP between the parts of the request line"),
            Map.entry("[space] in URI", "RFC 9112 3.2: an invalid request line SHOULD get 400"),
            Map.entry("TE with custom parameters OK", "RFC 9112 7.1: chunked takes no parameters"),
            Map.entry("Transfer-Encoding with a param: chunked;custom_param", "RFC 9112 7.1: chunked takes no parameters"),
            Map.entry("Compliant URL", "RFC 3986 2: \\\"<>\\\\^{|} and a bare % are not allowed in a URI"),
            Map.entry("International in URI", "RFC 3986 2: non-ASCII must be percent-encoded"),
            Map.entry("Empty URI", "RFC 9112 3.2: the request target is required"));

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "te", "upgrade",
            "proxy-connection", "upgrade-insecure-requests");

    private static RecordingBackend backend;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        backend = new RecordingBackend();
        Map<String, Object> properties = Gateway.upstream("echo", backend.address());
        gateway = Gateway.start(properties);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    @Test
    void everyCaseGetsTheVerdictOfItsTier() throws IOException {
        List<Case> cases = load();
        Map<String, int[]> perTier = new TreeMap<>();
        List<String> misses = new ArrayList<>();
        for (Case c : cases) {
            backend.clear();
            String miss = check(c);
            int[] counts = perTier.computeIfAbsent(c.tier(), t -> new int[2]);
            counts[0]++;
            if (miss == null) {
                counts[1]++;
            } else {
                misses.add(c.file() + " / " + c.name() + " [" + c.tier() + ", " + c.reason() + "]: " + miss);
            }
        }
        perTier.forEach((tier, counts) ->
                System.out.println("desync corpus " + tier + ": " + counts[1] + " of " + counts[0] + " as expected"));
        System.out.println("desync corpus: " + REFUSED_BY_RFC.size() + " Compliant/Acceptable cases refused by an RFC rule");
        assertThat(cases).hasSizeGreaterThan(150);
        assertThat(misses).as("cases that did not get their tier's verdict").isEmpty();
    }

    private String check(Case c) {
        boolean mustBeRejected = c.tier().equals("Severe") || c.tier().equals("Ambiguous");
        RawHttp.Exchange answer = RawHttp.send(gateway.port(), request(c), mustBeRejected);
        List<RecordingBackend.Received> received = backend.received();
        switch (c.tier()) {
            case "Severe" -> {
                if (answer.status() != 400 || !answer.closed()) {
                    return "answered " + answer.status() + (answer.closed() ? " and closed" : " and kept the connection open");
                }
                return received.isEmpty() ? null : "reached the backend";
            }
            case "Ambiguous" -> {
                if (answer.status() == 400 && answer.closed() && received.isEmpty()) {
                    return null;
                }
                return answer.closed() && answer.status() != 0 ? null
                        : "answered " + answer.status() + (answer.closed() ? " and closed" : " and kept the connection open");
            }
            default -> {
                if (REFUSED_BY_RFC.containsKey(c.name())) {
                    boolean clean = (answer.status() == 400 || answer.status() == 505) && received.isEmpty();
                    return clean ? null : "expected a clean refusal (" + REFUSED_BY_RFC.get(c.name()) + "), answered "
                            + answer.status() + " with " + received.size() + " request(s) at the backend";
                }
                return forwardedIntact(c, answer, received);
            }
        }
    }

    private static String forwardedIntact(Case c, RawHttp.Exchange answer, List<RecordingBackend.Received> received) {
        if (answer.status() != 200 || received.size() != 1) {
            return "answered " + answer.status() + " with " + received.size() + " request(s) at the backend";
        }
        RecordingBackend.Received r = received.get(0);
        if (!r.method().equals(c.method())) {
            return "method became " + r.method();
        }
        for (String[] header : c.headers()) {
            String name = header[0].trim();
            if (isFraming(name) || name.equalsIgnoreCase("X-Forwarded-For") || HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            String value = r.header(name);
            if (value == null || !value.equals(header[1].trim())) {
                return "header " + name + " arrived as " + value;
            }
        }
        return r.body().equals(body(c)) ? null : "body arrived as " + r.body().length() + " bytes";
    }

    private static boolean isFraming(String name) {
        return name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding");
    }

    static byte[] request(Case c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String line = c.method() + " " + c.uri() + (c.version().isEmpty() ? "" : " " + c.version());
        write(out, line + "\r\n");
        if (c.headers().stream().noneMatch(h -> h[0].equalsIgnoreCase("Host"))) {
            write(out, "Host: localhost\r\n");
        }
        for (String[] header : c.headers()) {
            write(out, header[0] + ":" + header[1] + "\r\n");
        }
        write(out, "\r\n");
        write(out, framedBody(c));
        return out.toByteArray();
    }

    /** The body the headers announce: a chunked one when chunked is named, else Content-Length bytes. */
    private static String framedBody(Case c) {
        String body = body(c);
        if (body.isEmpty()) {
            return "";
        }
        return chunked(c) ? Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n" : body;
    }

    private static String body(Case c) {
        if (chunked(c)) {
            return "hello";
        }
        for (String[] header : c.headers()) {
            if (header[0].equals("Content-Length") && header[1].trim().matches("[0-9]{1,8}")) {
                return "x".repeat(Integer.parseInt(header[1].trim()));
            }
        }
        return "";
    }

    private static boolean chunked(Case c) {
        String last = "";
        for (String[] header : c.headers()) {
            if (header[0].equals("Transfer-Encoding")) {
                String[] codings = header[1].split(",");
                last = codings[codings.length - 1].split(";")[0].trim().toLowerCase(Locale.ROOT);
            }
        }
        return last.equals("chunked");
    }

    /** A string of the corpus as bytes: one byte per character where all fit, else UTF-8. */
    private static void write(ByteArrayOutputStream out, String text) {
        boolean latin1 = text.chars().allMatch(ch -> ch <= 0xFF);
        out.writeBytes(text.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    static List<Case> load() throws IOException {
        List<Case> cases = new ArrayList<>();
        Resource[] files = new PathMatchingResourcePatternResolver().getResources("classpath:http-desync-guardian/*.yaml");
        for (Resource file : files) {
            try (InputStream in = file.getInputStream()) {
                List<Map<String, Object>> entries = new Yaml().load(in);
                for (Map<String, Object> entry : entries == null ? List.<Map<String, Object>>of() : entries) {
                    Map<String, Object> expected = (Map<String, Object>) entry.get("expected");
                    List<String[]> headers = new ArrayList<>();
                    List<Map<String, Object>> raw = (List<Map<String, Object>>) entry.get("headers");
                    for (Map<String, Object> h : raw == null ? List.<Map<String, Object>>of() : raw) {
                        headers.add(new String[] {String.valueOf(h.get("name")), String.valueOf(h.get("value"))});
                    }
                    cases.add(new Case(file.getFilename(), String.valueOf(entry.get("name")),
                            String.valueOf(expected.get("tier")), String.valueOf(expected.get("reason")),
                            String.valueOf(entry.get("method")), String.valueOf(entry.get("uri")),
                            String.valueOf(entry.get("version")), headers));
                }
            }
        }
        return cases;
    }
}
