package dev.turnpike.actuate;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * The first thing a stop does: readiness goes DOWN while every listener still serves, for
 * {@code turnpike.shutdown.readiness-delay}, so that a load balancer (a Kubernetes Service) takes the instance
 * out before its listeners close. Then the web servers finish in-flight requests and the L4 listeners
 * drain, in their own shutdown phase.
 */
final class ShutdownReadinessDelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ShutdownReadinessDelay.class);

    private final ApplicationContext context;
    private final Duration delay;
    private volatile boolean running;

    ShutdownReadinessDelay(ApplicationContext context, Duration delay) {
        this.context = context;
        this.delay = delay;
    }

    @Override
    public void start() {
        running = true;
    }

    /** Runs on the thread that closes the context, never on an event loop. */
    @Override
    public void stop() {
        running = false;
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        if (delay.isZero() || delay.isNegative()) {
            return;
        }
        log.info("shutting down: readiness is DOWN; still serving for {} before the listeners close", delay);
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stopped first: the highest phase. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
