package dev.turnpike.cache;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The directives of every {@code Cache-Control} line of a message, parsed token by token (RFC 9111
 * 5.2): {@code no-cache, no-store} in one line counts as two directives, quoted values may hold
 * commas, names are case-insensitive. A malformed number counts as absent.
 */
public final class CacheControl {

    private static final CacheControl EMPTY = new CacheControl(Map.of());

    private final Map<String, String> directives;

    private CacheControl(Map<String, String> directives) {
        this.directives = directives;
    }

    public static CacheControl parse(List<String> lines) {
        if (lines == null || lines.isEmpty()) {
            return EMPTY;
        }
        Map<String, String> directives = new HashMap<>();
        for (String line : lines) {
            parseLine(line, directives);
        }
        return new CacheControl(directives);
    }

    private static void parseLine(String line, Map<String, String> into) {
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && (line.charAt(i) == ',' || line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            int nameStart = i;
            while (i < n && line.charAt(i) != '=' && line.charAt(i) != ',') {
                i++;
            }
            String name = line.substring(nameStart, i).trim().toLowerCase(Locale.ROOT);
            String value = null;
            if (i < n && line.charAt(i) == '=') {
                i++;
                if (i < n && line.charAt(i) == '"') {
                    StringBuilder quoted = new StringBuilder();
                    i++;
                    while (i < n && line.charAt(i) != '"') {
                        if (line.charAt(i) == '\\' && i + 1 < n) {
                            i++;
                        }
                        quoted.append(line.charAt(i++));
                    }
                    i++;
                    value = quoted.toString();
                }
                int valueStart = i;
                while (i < n && line.charAt(i) != ',') {
                    i++;
                }
                if (value == null) {
                    value = line.substring(valueStart, i).trim();
                }
            }
            if (!name.isEmpty()) {
                into.putIfAbsent(name, value);
            }
        }
    }

    public boolean has(String directive) {
        return directives.containsKey(directive);
    }

    /** The directive's delta-seconds, or -1 when it is absent or not a number. */
    public long seconds(String directive) {
        String value = directives.get(directive);
        if (value == null || value.isEmpty()) {
            return -1;
        }
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? -1 : seconds;
        } catch (NumberFormatException e) {
            return value.chars().allMatch(Character::isDigit) ? Integer.MAX_VALUE : -1;
        }
    }
}
