package dev.turnpike.ratelimit;

import java.time.Duration;

/**
 * A token bucket's shape: {@code burst} tokens at most, refilled at {@code rate} per {@code period}.
 */
public record Limit(long rate, Duration period, long burst) {

    public Limit {
        if (rate < 1 || burst < 1 || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("rate and burst must be at least 1 and the period positive");
        }
    }

    double tokensPerMilli() {
        return (double) rate / period.toMillis();
    }

    /** How long an untouched bucket takes to fill up: after that it need not be remembered. */
    Duration fillTime() {
        return Duration.ofMillis((long) Math.ceil(burst / tokensPerMilli()));
    }
}
