package dev.turnpike.l7.hygiene;

import dev.turnpike.metrics.TaggedCounters;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.util.unit.DataSize;

/**
 * The HTTP/1.1 listener's limits, and the count of requests refused before routing
 * ({@code turnpike.http.rejections{reason}}).
 */
public final class HttpHardening {

    private final long maxBodyBytes;
    private final long headerTimeoutNanos;
    private final long keepAliveTimeoutNanos;
    private final TaggedCounters rejections;

    /**
     * @param maxBodySize the largest request body accepted, announced or chunked (413 above it)
     * @param headerTimeout how long a client may take to send a request head once it has started (408 after it)
     * @param keepAliveTimeout how long an idle keep-alive connection stays open waiting for the next request
     */
    public HttpHardening(DataSize maxBodySize, Duration headerTimeout, Duration keepAliveTimeout, MeterRegistry registry) {
        this.maxBodyBytes = maxBodySize.toBytes();
        this.headerTimeoutNanos = headerTimeout.toNanos();
        this.keepAliveTimeoutNanos = keepAliveTimeout.toNanos();
        this.rejections = new TaggedCounters(registry, "turnpike.http.rejections",
                "Requests refused before routing, by reason", "reason");
    }

    long maxBodyBytes() {
        return maxBodyBytes;
    }

    long headerTimeoutNanos() {
        return headerTimeoutNanos;
    }

    long keepAliveTimeoutNanos() {
        return keepAliveTimeoutNanos;
    }

    void rejected(String reason) {
        rejections.increment(reason);
    }
}
