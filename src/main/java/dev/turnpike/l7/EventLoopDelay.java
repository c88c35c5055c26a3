package dev.turnpike.l7;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;

/**
 * A delay timed by a Netty event loop: the loop's own timer queue, which its thread reaches without a lock and
 * which cancelling from that thread leaves at once. {@link Mono#delay} on Reactor's parallel scheduler takes a
 * lock on another thread's queue for every request and, each time the earliest timer is cancelled, wakes that
 * thread, which then runs on the core the event loop needs.
 */
final class EventLoopDelay {

    private EventLoopDelay() {
    }

    /** Emits 0 once {@code delay} has passed on {@code loop}; cancelling it removes the timer. */
    static Mono<Long> of(Duration delay, EventExecutor loop) {
        return Mono.create(sink -> {
            Future<?> timer = loop.schedule(() -> sink.success(0L), delay.toNanos(), TimeUnit.NANOSECONDS);
            sink.onCancel(() -> timer.cancel(false));
        });
    }
}
