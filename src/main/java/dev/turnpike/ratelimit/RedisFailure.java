package dev.turnpike.ratelimit;

/** What rate limiting does while Redis is unreachable. */
public enum RedisFailure {

    /** Each instance keeps limiting with its own in-memory buckets (the default: limits hold, per instance). */
    LOCAL("each instance limits on its own"),
    /** Requests go through unlimited. */
    ALLOW("requests are not limited"),
    /** Limited routes answer 503. */
    DENY("limited routes answer 503");

    private final String description;

    RedisFailure(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }
}
