package dev.turnpike.security;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** A header a request must not carry: a case-insensitive name pattern, an optional value pattern, the status to answer. */
public record HeaderRule(Pattern name, Pattern value, HttpStatus status) {

    public static HeaderRule of(String name, String value, int status) {
        if (status != 400 && status != 403) {
            throw new IllegalArgumentException("status must be 400 or 403, not " + status);
        }
        return new HeaderRule(Pattern.compile(name, Pattern.CASE_INSENSITIVE),
                value == null || value.isEmpty() ? null : Pattern.compile(value), HttpStatus.valueOf(status));
    }

    /** The first header that breaks this rule, as "name", or null. */
    public String match(HttpHeaders headers) {
        for (Map.Entry<String, List<String>> header : headers.headerSet()) {
            if (!name.matcher(header.getKey()).matches()) {
                continue;
            }
            if (value == null) {
                return header.getKey();
            }
            for (String v : header.getValue()) {
                if (value.matcher(v).matches()) {
                    return header.getKey();
                }
            }
        }
        return null;
    }

    /** Removes every header whose name matches one of the patterns. */
    public static void strip(HttpHeaders headers, List<Pattern> patterns) {
        List<String> names = headers.headerNames().stream()
                .filter(n -> patterns.stream().anyMatch(p -> p.matcher(n).matches()))
                .toList();
        names.forEach(headers::remove);
    }
}
