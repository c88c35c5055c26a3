package dev.turnpike.upstream;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

final class Probes {

    private Probes() {
    }

    /** A short, operator-facing description of why a probe or warm-up failed. */
    static String describe(Throwable error) {
        if (error instanceof TimeoutException || error instanceof io.netty.channel.ConnectTimeoutException) {
            return "timed out";
        }
        if (error instanceof ConnectException) {
            return "connection refused";
        }
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
