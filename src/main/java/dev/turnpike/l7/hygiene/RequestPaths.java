package dev.turnpike.l7.hygiene;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Puts a request target's path into the one form that routes and backends both understand, or
 * refuses it. Repeated slashes are merged and plain {@code .} / {@code ..} segments resolved
 * (as nginx does); what different servers would read differently is refused: encoded slashes,
 * backslashes, encoded dots, {@code ..;} segments, encoded NUL, and paths that climb above the root.
 */
final class RequestPaths {

    private RequestPaths() {
    }

    /** A request target may hold only visible ASCII: no controls, spaces or raw non-ASCII bytes. */
    static boolean hasControlOrNonAscii(String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return true;
            }
        }
        return false;
    }

    /** The target with its path normalised, the same string when nothing needed doing, or null to refuse it. */
    static String normalise(String target) {
        if (!target.startsWith("/")) {
            int scheme = target.startsWith("http://") ? 7 : target.startsWith("https://") ? 8 : -1;
            if (scheme < 0) {
                return target.equals("*") ? target : null;
            }
            int pathStart = target.indexOf('/', scheme);
            if (pathStart < 0) {
                return target;
            }
            String path = normalise(target.substring(pathStart));
            return path == null ? null : target.substring(0, pathStart) + path;
        }
        int queryStart = indexOfAny(target, '?', '#');
        String path = queryStart < 0 ? target : target.substring(0, queryStart);
        if (!needsAttention(path)) {
            return target;
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") || path.indexOf('\\') >= 0) {
            return null;
        }
        Deque<String> segments = new ArrayDeque<>();
        String[] parts = path.split("/", -1);
        for (int i = 1; i < parts.length; i++) {
            String segment = parts[i];
            String bare = segment.indexOf(';') >= 0 ? segment.substring(0, segment.indexOf(';')) : segment;
            String decodedDots = bare.toLowerCase(Locale.ROOT).replace("%2e", ".");
            boolean dotSegment = decodedDots.equals(".") || decodedDots.equals("..");
            if (dotSegment && (!bare.equals(segment) || !decodedDots.equals(bare))) {
                return null;
            }
            boolean last = i == parts.length - 1;
            if (segment.equals(".")) {
                if (last) {
                    segments.addLast("");
                }
            } else if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    return null;
                }
                segments.removeLast();
                if (last) {
                    segments.addLast("");
                }
            } else if (!segment.isEmpty() || last) {
                segments.addLast(segment);
            }
        }
        String normalised = "/" + String.join("/", segments);
        return queryStart < 0 ? normalised : normalised + target.substring(queryStart);
    }

    private static boolean needsAttention(String path) {
        return path.contains("//") || path.contains("/.") || path.indexOf('%') >= 0 || path.indexOf('\\') >= 0;
    }

    private static int indexOfAny(String text, char a, char b) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == a || c == b) {
                return i;
            }
        }
        return -1;
    }
}
