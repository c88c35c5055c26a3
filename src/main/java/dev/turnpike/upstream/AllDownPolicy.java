package dev.turnpike.upstream;

/** What a pool does when no server is available (all unhealthy or ejected). */
public enum AllDownPolicy {
    /** Treat every server as a candidate again, as nginx does: a broken health check must not cause an outage. */
    TRY_ALL,
    /** Refuse at once: the proxy answers 503 and an L4 listener closes the connection. */
    FAIL
}
