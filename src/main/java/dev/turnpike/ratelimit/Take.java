package dev.turnpike.ratelimit;

/**
 * The outcome of asking a bucket for one token.
 *
 * @param allowed whether the request may go on
 * @param remaining tokens left after this one
 * @param retryAfterMillis when refused, how long until a token is back
 */
public record Take(boolean allowed, long remaining, long retryAfterMillis) {
}
