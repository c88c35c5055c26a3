package dev.turnpike.upstream;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One backend of a pool and its live state. Counters are updated from event-loop threads without
 * locks; the passive-failure window tolerates the benign races of concurrent failures.
 */
public final class Server {

    private final String pool;
    private final ServerAddress address;
    private final int weight;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger tunnels = new AtomicInteger();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();

    private volatile boolean activeHealthy = true;
    private volatile long ejectedUntilNanos;
    private final AtomicInteger windowFailures = new AtomicInteger();
    private volatile long windowStartNanos;

    private final AtomicInteger checkPasses = new AtomicInteger();
    private final AtomicInteger checkFailures = new AtomicInteger();
    private volatile HealthCheckResult lastCheck;
    private volatile int warmConnections;
    private volatile java.util.function.LongConsumer latencyObserver = nanos -> { };

    public Server(String pool, ServerAddress address, int weight) {
        this.pool = pool;
        this.address = address;
        this.weight = weight;
    }

    /** A server with another weight that keeps this one's health, for a pool re-weighted by a reload. */
    Server reweighted(int newWeight) {
        Server copy = new Server(pool, address, newWeight);
        copy.activeHealthy = activeHealthy;
        copy.ejectedUntilNanos = ejectedUntilNanos;
        copy.lastCheck = lastCheck;
        copy.checkPasses.set(checkPasses.get());
        copy.checkFailures.set(checkFailures.get());
        copy.warmConnections = warmConnections;
        copy.latencyObserver = latencyObserver;
        return copy;
    }

    public String pool() {
        return pool;
    }

    public ServerAddress address() {
        return address;
    }

    public int weight() {
        return weight;
    }

    public ServerState state() {
        if (!activeHealthy) {
            return ServerState.UNHEALTHY;
        }
        return System.nanoTime() - ejectedUntilNanos < 0 ? ServerState.EJECTED : ServerState.HEALTHY;
    }

    public boolean isAvailable() {
        return activeHealthy && System.nanoTime() - ejectedUntilNanos >= 0;
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int openConnections() {
        return openConnections.get();
    }

    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    public long requests() {
        return requests.sum();
    }

    public long failures() {
        return failures.sum();
    }

    public HealthCheckResult lastCheck() {
        return lastCheck;
    }

    public int warmConnections() {
        return warmConnections;
    }

    void warmConnections(int count) {
        this.warmConnections = count;
    }

    /** Marks the start of a request or connection; pair with {@link #finished}. */
    public void started() {
        inFlight.incrementAndGet();
        requests.increment();
    }

    /** Who hears how long each finished HTTP request to this server took, in nanoseconds. */
    public void observeLatency(java.util.function.LongConsumer observer) {
        this.latencyObserver = observer;
    }

    /** Ends an HTTP request that {@link #started} began, with how long the server took. */
    public void finished(boolean failed, Passive passive, long nanos) {
        latencyObserver.accept(nanos);
        finished(failed, passive);
    }

    /** Ends what {@link #started} began, recording whether the backend failed it. */
    public void finished(boolean failed, Passive passive) {
        inFlight.decrementAndGet();
        if (failed) {
            recordFailure(passive);
        } else {
            consecutiveFailures.set(0);
        }
    }

    /** A failure before any request was counted, such as a refused connect on a warm-up. */
    public void recordFailure(Passive passive) {
        failures.increment();
        consecutiveFailures.incrementAndGet();
        if (passive.maxFails() == 0) {
            return;
        }
        long now = System.nanoTime();
        long window = passive.failTimeout().toNanos();
        int count;
        if (now - windowStartNanos > window) {
            windowStartNanos = now;
            windowFailures.set(1);
            count = 1;
        } else {
            count = windowFailures.incrementAndGet();
        }
        if (count >= passive.maxFails() && isAvailable()) {
            ejectedUntilNanos = now + window;
            windowFailures.set(0);
            windowStartNanos = now;
            passive.listener().ejected(this, count);
        }
    }

    /** L4 client connections relayed to this server right now. */
    public int tunnels() {
        return tunnels.get();
    }

    public void tunnelOpened() {
        tunnels.incrementAndGet();
    }

    public void tunnelClosed() {
        tunnels.decrementAndGet();
    }

    public void connectionOpened() {
        openConnections.incrementAndGet();
    }

    public void connectionClosed() {
        openConnections.decrementAndGet();
    }

    /**
     * Applies an active check. The first result decides the state at once; after that it takes
     * {@code rise} passes or {@code fall} failures in a row to change it.
     *
     * @return true when the state changed
     */
    boolean applyCheck(HealthCheckResult result, int rise, int fall) {
        boolean first = lastCheck == null;
        lastCheck = result;
        if (result.passed()) {
            checkFailures.set(0);
            int passes = checkPasses.incrementAndGet();
            if (!activeHealthy && (first || passes >= rise)) {
                activeHealthy = true;
                return true;
            }
        } else {
            checkPasses.set(0);
            int fails = checkFailures.incrementAndGet();
            if (activeHealthy && (first || fails >= fall)) {
                activeHealthy = false;
                return true;
            }
        }
        return false;
    }

    /** The passive-health policy a pool applies to its servers, with who to tell on ejection. */
    public record Passive(int maxFails, java.time.Duration failTimeout, StatusRanges failOnStatuses,
                          EjectionListener listener) {
    }

    public interface EjectionListener {
        void ejected(Server server, int failures);
    }

    /** The outcome of one active check. */
    public record HealthCheckResult(Instant at, boolean passed, String detail) {
    }

    @Override
    public String toString() {
        return pool + "/" + address;
    }
}
