package dev.turnpike.l7.hygiene;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/** Why a request is refused before it reaches any route: the status the client gets and a reason for logs and metrics. */
record Rejection(HttpResponseStatus status, String reason, String detail) {

    static final Rejection TARGET_CHARACTER = badRequest("request-target", "request target with a control or non-ASCII character");
    static final Rejection AMBIGUOUS_PATH = badRequest("path", "ambiguous path (encoded slash or dot, backslash, NUL, or above the root)");

    static Rejection badRequest(String reason, String detail) {
        return new Rejection(HttpResponseStatus.BAD_REQUEST, reason, detail);
    }

    /** A body found to be over the limit as it arrives (an announced length says so in its own words). */
    static Rejection bodyTooLarge(long maxBodyBytes) {
        return new Rejection(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body-too-large",
                "request body is over the limit of " + maxBodyBytes + " bytes");
    }

    /** The plain-text body the client gets. */
    byte[] body() {
        return (status + ": " + detail + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
