package dev.turnpike.actuate;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hides secrets in what the management endpoints show of route definitions: a header value after a
 * sensitive header name ({@code AddRequestHeader=Authorization, Bearer ...}), an argument whose name
 * says it is a secret, and the user info of a URI.
 */
final class Redaction {

    static final String HIDDEN = "******";
    private static final Pattern SENSITIVE = Pattern.compile(
            "(?i).*(authorization|cookie|password|passwd|secret|token|credential|api[-_]?key|private[-_]?key|signature|session).*");

    private Redaction() {
    }

    static boolean isSensitive(String name) {
        return name != null && SENSITIVE.matcher(name).matches();
    }

    /**
     * The arguments of one predicate or filter with secrets hidden. Once a value names something sensitive
     * (a header name), every later argument is hidden.
     */
    static Map<String, String> arguments(Map<String, String> args) {
        Map<String, String> shown = new LinkedHashMap<>();
        boolean hideRest = false;
        for (Map.Entry<String, String> arg : args.entrySet()) {
            if (hideRest || isSensitive(arg.getKey())) {
                shown.put(arg.getKey(), HIDDEN);
                continue;
            }
            shown.put(arg.getKey(), uri(arg.getValue()));
            hideRest = isSensitive(arg.getValue());
        }
        return shown;
    }

    /** A URI with its user info hidden; anything else as it is. */
    static String uri(String value) {
        if (value == null || !value.contains("@") || !value.contains("://")) {
            return value;
        }
        try {
            URI uri = URI.create(value);
            if (uri.getRawUserInfo() == null) {
                return value;
            }
            return value.replace(uri.getRawUserInfo(), HIDDEN);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }
}
