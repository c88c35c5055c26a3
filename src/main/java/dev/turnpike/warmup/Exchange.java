package dev.turnpike.warmup;

import java.io.IOException;

/** One exchange of a warm-up load: requests sent and their responses read; throws when one fails. */
@FunctionalInterface
interface Exchange {

    /** Returns how many requests it made. */
    int run() throws IOException;
}
