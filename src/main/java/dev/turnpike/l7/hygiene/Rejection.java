package dev.turnpike.l7.hygiene;

import io.netty.handler.codec.http.HttpResponseStatus;

/** Why a request is refused before it reaches any route: the status the client gets and a reason for logs and metrics. */
record Rejection(HttpResponseStatus status, String reason, String detail) {

    static Rejection badRequest(String reason, String detail) {
        return new Rejection(HttpResponseStatus.BAD_REQUEST, reason, detail);
    }
}
