package dev.turnpike.l7.hygiene;

import reactor.netty.http.Http2SettingsSpec;
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
    private final Http2Limits http2;

    /**
     * HTTP/2 limits, against the known floods: streams open at once (more are refused), the
     * decoded header list (431 above it, GOAWAY well above it, which also bounds CONTINUATION
     * floods), and stream resets by the client per window (rapid reset: GOAWAY beyond it).
     */
    public record Http2Limits(long maxConcurrentStreams, DataSize maxHeaderListSize, int maxResets, Duration resetWindow) {
    }

    /**
     * @param maxBodySize the largest request body accepted, announced or chunked (413 above it)
     * @param headerTimeout how long a client may take to send a request head once it has started (408 after it)
     * @param keepAliveTimeout how long an idle keep-alive connection stays open waiting for the next request
     */
    public HttpHardening(DataSize maxBodySize, Duration headerTimeout, Duration keepAliveTimeout, Http2Limits http2,
                         MeterRegistry registry) {
        this.http2 = http2;
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

    void applyHttp2Limits(Http2SettingsSpec.Builder spec) {
        spec.maxConcurrentStreams(http2.maxConcurrentStreams())
                .maxHeaderListSize(http2.maxHeaderListSize().toBytes())
                .maxDecodedRstFramesPerWindow(http2.maxResets(), (int) Math.max(1, http2.resetWindow().toSeconds()));
    }

    void rejected(String reason) {
        rejections.increment(reason);
    }
}
