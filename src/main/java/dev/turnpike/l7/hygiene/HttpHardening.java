package dev.turnpike.l7.hygiene;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.util.unit.DataSize;

/**
 * The HTTP/1.1 listener's limits and the counter of requests refused before routing
 * ({@code turnpike.http.rejections{reason}}).
 *
 * @param maxBodySize the largest request body accepted, announced or chunked (413 above it)
 * @param headerTimeout how long a client may take to send a request head once it has started (408 after it)
 * @param keepAliveTimeout how long an idle keep-alive connection stays open waiting for the next request
 */
public record HttpHardening(DataSize maxBodySize, Duration headerTimeout, Duration keepAliveTimeout,
                            MeterRegistry registry, Map<String, Counter> counters) {

    public HttpHardening(DataSize maxBodySize, Duration headerTimeout, Duration keepAliveTimeout, MeterRegistry registry) {
        this(maxBodySize, headerTimeout, keepAliveTimeout, registry, new ConcurrentHashMap<>());
    }

    long maxBodyBytes() {
        return maxBodySize.toBytes();
    }

    long headerTimeoutNanos() {
        return headerTimeout.toNanos();
    }

    long keepAliveTimeoutNanos() {
        return keepAliveTimeout.toNanos();
    }

    void rejected(String reason) {
        counters.computeIfAbsent(reason, r -> Counter.builder("turnpike.http.rejections")
                .description("Requests refused before routing, by reason")
                .tag("reason", r)
                .register(registry)).increment();
    }
}
