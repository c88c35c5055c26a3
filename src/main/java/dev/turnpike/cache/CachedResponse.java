package dev.turnpike.cache;

import java.time.Duration;
import java.time.Instant;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;

/**
 * A stored response and what its freshness was worked out from.
 *
 * @param status the backend's status
 * @param headers the end-to-end headers, as the backend sent them (Age is recomputed when served)
 * @param body the whole body
 * @param responseTime when the response arrived
 * @param initialAge the corrected initial age (RFC 9111 4.2.3) at {@code responseTime}
 * @param lifetime the freshness lifetime
 * @param staleWhileRevalidate how long past its lifetime it may still be served while a refresh runs
 * @param staleIfError how long past its lifetime it may still be served when the backend fails
 * @param mustRevalidate whether it may never be served stale
 */
public record CachedResponse(HttpStatusCode status, HttpHeaders headers, byte[] body, Instant responseTime,
                             Duration initialAge, Duration lifetime, Duration staleWhileRevalidate,
                             Duration staleIfError, boolean mustRevalidate) {

    public Duration age(Instant now) {
        Duration resident = Duration.between(responseTime, now);
        return initialAge.plus(resident.isNegative() ? Duration.ZERO : resident);
    }

    public boolean isFresh(Instant now) {
        return age(now).compareTo(lifetime) < 0;
    }

    /** How long it has been stale (zero or negative while fresh). */
    public Duration staleness(Instant now) {
        return age(now).minus(lifetime);
    }

    public String etag() {
        return headers.getETag();
    }

    public String lastModified() {
        return headers.getFirst(HttpHeaders.LAST_MODIFIED);
    }

    /** Bytes this entry holds, for the cache's weigher. */
    public int weight() {
        int headerBytes = 0;
        for (var header : headers.headerSet()) {
            for (String value : header.getValue()) {
                headerBytes += header.getKey().length() + value.length() + 4;
            }
        }
        return body.length + headerBytes + 128;
    }
}
