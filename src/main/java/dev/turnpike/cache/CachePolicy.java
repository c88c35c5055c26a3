package dev.turnpike.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;

/** RFC 9111 as a shared cache applies it: what may be stored, for how long, and when a request may be answered from it. */
final class CachePolicy {

    /** Statuses a cache may store without explicit freshness (RFC 9110 15.1, "heuristically cacheable"). */
    private static final Set<Integer> HEURISTIC = Set.of(200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501);

    private CachePolicy() {
    }

    /** Statuses never stored: partial content (ranges are not served from the cache) and answers to conditions. */
    private static final Set<Integer> NEVER = Set.of(206, 304);

    /**
     * Whether the request may be answered from the cache at all (it may still have to go to the
     * backend). Range requests go straight through: the cache stores and serves whole bodies only.
     */
    static boolean cacheableRequest(ServerHttpRequest request) {
        HttpMethod method = request.getMethod();
        return (method == HttpMethod.GET || method == HttpMethod.HEAD)
                && !request.getHeaders().containsHeader(HttpHeaders.RANGE)
                && !CacheControl.parse(request.getHeaders().get(HttpHeaders.CACHE_CONTROL)).has("no-store");
    }

    /** Whether the request lets a stored response answer it without asking the backend (given the response is fresh). */
    static boolean acceptsStored(ServerHttpRequest request, CachedResponse entry, Instant now) {
        List<String> pragma = request.getHeaders().get(HttpHeaders.PRAGMA);
        CacheControl control = CacheControl.parse(request.getHeaders().get(HttpHeaders.CACHE_CONTROL));
        boolean pragmaNoCache = !request.getHeaders().containsHeader(HttpHeaders.CACHE_CONTROL) && pragma != null
                && pragma.stream().anyMatch(p -> p.toLowerCase(Locale.ROOT).contains("no-cache"));
        if (control.has("no-cache") || pragmaNoCache) {
            return false;
        }
        long maxAge = control.seconds("max-age");
        return maxAge < 0 || entry.age(now).getSeconds() < maxAge;
    }

    /**
     * The freshness lifetime of a response the shared cache may store, or null when it may not:
     * no-store, private, Vary: *, Set-Cookie (unless allowed), a request with Authorization unless
     * the response allows it, or no freshness at all.
     */
    static Duration storableLifetime(HttpStatusCode status, HttpHeaders response, boolean requestHadAuthorization,
                                     boolean storeSetCookie, Duration defaultTtl, Instant now) {
        if (NEVER.contains(status.value()) || status.is1xxInformational()) {
            return null;
        }
        CacheControl control = CacheControl.parse(response.get(HttpHeaders.CACHE_CONTROL));
        if (control.has("no-store") || control.has("private")) {
            return null;
        }
        List<String> vary = response.get(HttpHeaders.VARY);
        if (vary != null && vary.stream().anyMatch(v -> v.contains("*"))) {
            return null;
        }
        if (!storeSetCookie && response.containsHeader(HttpHeaders.SET_COOKIE)) {
            return null;
        }
        if (requestHadAuthorization && !(control.has("public") || control.has("s-maxage") || control.has("must-revalidate"))) {
            return null;
        }
        Duration explicit = explicitLifetime(control, response);
        if (explicit != null) {
            return explicit;
        }
        boolean heuristic = HEURISTIC.contains(status.value()) || control.has("public");
        return heuristic && defaultTtl != null && !control.has("no-cache") ? defaultTtl : null;
    }

    /** s-maxage, else max-age, else Expires minus Date (RFC 9111 4.2.1); null when the response gives none. */
    private static Duration explicitLifetime(CacheControl control, HttpHeaders response) {
        if (control.has("no-cache")) {
            return Duration.ZERO;
        }
        long shared = control.seconds("s-maxage");
        if (shared >= 0) {
            return Duration.ofSeconds(shared);
        }
        long maxAge = control.seconds("max-age");
        if (maxAge >= 0) {
            return Duration.ofSeconds(maxAge);
        }
        if (response.containsHeader(HttpHeaders.EXPIRES)) {
            long expires = safeDate(response, HttpHeaders.EXPIRES);
            long date = safeDate(response, HttpHeaders.DATE);
            if (expires < 0) {
                return Duration.ZERO;
            }
            long base = date >= 0 ? date : System.currentTimeMillis();
            return Duration.ofMillis(Math.max(0, expires - base));
        }
        return null;
    }

    /** The corrected initial age (RFC 9111 4.2.3) of a response that took from requestTime to responseTime. */
    static Duration initialAge(HttpHeaders response, Instant requestTime, Instant responseTime) {
        long date = safeDate(response, HttpHeaders.DATE);
        Duration apparent = date < 0 ? Duration.ZERO : Duration.ofMillis(Math.max(0, responseTime.toEpochMilli() - date));
        long ageSeconds = 0;
        String age = response.getFirst(HttpHeaders.AGE);
        if (age != null) {
            try {
                ageSeconds = Math.max(0, Long.parseLong(age.trim()));
            } catch (NumberFormatException ignored) {
                ageSeconds = 0;
            }
        }
        Duration corrected = Duration.ofSeconds(ageSeconds).plus(Duration.between(requestTime, responseTime));
        return apparent.compareTo(corrected) > 0 ? apparent : corrected;
    }

    static Duration seconds(CacheControl control, String directive) {
        long value = control.seconds(directive);
        return value < 0 ? Duration.ZERO : Duration.ofSeconds(value);
    }

    private static long safeDate(HttpHeaders headers, String name) {
        try {
            return headers.getFirstDate(name);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
