package dev.turnpike;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class TurnpikeApplication {

    /** Reactor Netty's own setting for the number of HTTP event loops (server and proxy client). */
    static final String EVENT_LOOPS = "reactor.netty.ioWorkerCount";

    public static void main(String[] args) {
        oneEventLoopPerCore();
        SpringApplication.run(TurnpikeApplication.class, args);
    }

    /**
     * One HTTP event loop per core unless {@code -Dreactor.netty.ioWorkerCount} says otherwise. Reactor Netty
     * makes at least four, for applications that may block a loop; nothing blocks one here, and extra loops on
     * the same cores only add thread switches (and latency) under load, as nginx's one worker per core avoids.
     */
    static void oneEventLoopPerCore() {
        if (System.getProperty(EVENT_LOOPS) == null) {
            System.setProperty(EVENT_LOOPS, Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
    }
}
