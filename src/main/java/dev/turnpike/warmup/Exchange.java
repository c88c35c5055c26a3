package dev.turnpike.warmup;

import java.io.IOException;
import java.time.Duration;

/** One exchange of a warm-up load: requests sent and their responses read; throws when one fails. */
@FunctionalInterface
interface Exchange {

    /**
     * How often each thread of a load that has made its share still runs an exchange: HotSpot drops a queued
     * compilation whose method has not been called for 50 ms.
     */
    Duration TRICKLE = Duration.ofMillis(20);

    /** Returns how many requests it made. */
    int run() throws IOException;

    /** How long a thread of a load that has made its share waits before its next exchange of this kind. */
    default Duration trickle() {
        return TRICKLE;
    }
}
