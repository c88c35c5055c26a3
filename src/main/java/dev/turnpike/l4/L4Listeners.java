package dev.turnpike.l4;

import dev.turnpike.InvalidConfigurationException;
import dev.turnpike.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.netty.resources.LoopResources;

/**
 * All L4 listeners, on event loops of their own on Linux, io_uring or epoll ({@link L4Transport}). They
 * open with the web server; on shutdown they stop accepting at once and give established connections up
 * to {@code turnpike.l4.drain-timeout} to finish.
 *
 * <p>A reload goes in two steps: {@link #prepare} binds the sockets of new listeners and of listeners
 * whose address changed (a port in use fails the reload there), and {@link Prepared#commit()} puts them
 * in service, reconfigures listeners whose address stayed, and drains the ones that are gone.
 */
public final class L4Listeners implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(L4Listeners.class);

    private final UpstreamRegistry registry;
    private final LoopResources loops;
    private final MeterRegistry meters;
    private final dev.turnpike.accesslog.AccessLog accessLog;
    private final Map<String, ListenerStats> stats = new ConcurrentHashMap<>();
    private final List<TcpListener> draining = new ArrayList<>();
    private volatile L4Settings settings;
    private volatile List<TcpListener> listeners = List.of();
    private L4Transport transport;
    private ScheduledExecutorService drainer;
    private volatile boolean running;

    public L4Listeners(L4Settings settings, UpstreamRegistry registry, LoopResources loops, MeterRegistry meters,
                       dev.turnpike.accesslog.AccessLog accessLog) {
        this.accessLog = accessLog;
        this.settings = settings;
        this.registry = registry;
        this.loops = loops;
        this.meters = meters;
    }

    @Override
    public synchronized void start() {
        Prepared first = prepare(settings);
        first.commit();
        running = true;
    }

    /**
     * Binds what a new configuration needs. Throws {@link InvalidConfigurationException} naming the
     * listener's port when a socket cannot be bound; nothing changes then.
     */
    public synchronized Prepared prepare(L4Settings next) {
        Map<String, TcpListener> current = new HashMap<>();
        listeners.forEach(listener -> current.put(listener.settings().name(), listener));
        List<TcpListener> after = new ArrayList<>();
        List<TcpListener> bound = new ArrayList<>();
        Map<TcpListener, ListenerSettings> reconfigured = new HashMap<>();
        for (int i = 0; i < next.listeners().size(); i++) {
            ListenerSettings wanted = next.listeners().get(i);
            TcpListener existing = current.remove(wanted.name());
            if (existing != null && sameSocket(existing.settings(), wanted)) {
                if (!existing.settings().equals(wanted)) {
                    reconfigured.put(existing, wanted);
                }
                after.add(existing);
                continue;
            }
            if (existing != null) {
                current.put(wanted.name(), existing); // replaced: drained on commit like a removed one
            }
            TcpListener listener = new TcpListener(wanted, registry, connector(wanted),
                    stats.computeIfAbsent(wanted.name(), name -> new ListenerStats(name, meters)), accessLog);
            try {
                listener.bind(transport());
            } catch (IllegalStateException e) {
                bound.forEach(TcpListener::closeListeningSocket);
                throw new InvalidConfigurationException("turnpike.l4.listeners[" + i + "].port", e.getMessage());
            }
            bound.add(listener);
            after.add(listener);
        }
        return new Prepared(next, List.copyOf(after), bound, reconfigured, List.copyOf(current.values()));
    }

    /**
     * Binds a listener that is not in the configuration, on the listeners' own event loops, with counters
     * that are not published; for the start-up warm-up. {@link TcpListener#close()} ends it.
     */
    public synchronized TcpListener bindUnlisted(ListenerSettings unlisted) {
        TcpListener listener = new TcpListener(unlisted, registry, connector(unlisted),
                new ListenerStats(unlisted.name(), null), accessLog);
        listener.bind(transport());
        return listener;
    }

    private static boolean sameSocket(ListenerSettings a, ListenerSettings b) {
        return a.port() == b.port() && Objects.equals(a.bind(), b.bind());
    }

    private BackendConnector connector(ListenerSettings listener) {
        return new BackendConnector(transport(), listener.connectTimeout());
    }

    /** Chosen once, by the settings at start: a reload that names another transport takes effect at the next start. */
    private L4Transport transport() {
        if (transport == null) {
            transport = L4Transport.choose(settings.transport(), loops);
            log.info("l4 listeners run on {}", transport.name());
        }
        return transport;
    }

    /** The transport the listeners run on, for Actuator; null before the first listener is bound. */
    public synchronized String transportName() {
        return transport == null ? null : transport.name();
    }

    /** Listeners bound for a new configuration, ready to go into service. */
    public final class Prepared {

        private final L4Settings next;
        private final List<TcpListener> after;
        private final List<TcpListener> bound;
        private final Map<TcpListener, ListenerSettings> reconfigured;
        private final List<TcpListener> retired;

        private Prepared(L4Settings next, List<TcpListener> after, List<TcpListener> bound,
                         Map<TcpListener, ListenerSettings> reconfigured, List<TcpListener> retired) {
            this.next = next;
            this.after = after;
            this.bound = bound;
            this.reconfigured = reconfigured;
            this.retired = retired;
        }

        public void commit() {
            synchronized (L4Listeners.this) {
                reconfigured.forEach((listener, wanted) -> listener.reconfigure(wanted, connector(wanted)));
                settings = next;
                listeners = after;
                for (TcpListener listener : retired) {
                    log.info("l4 listener {} on port {} removed; its {} open connections may drain for up to {}",
                            listener.settings().name(), listener.port(), listener.openConnections(), next.drainTimeout());
                    listener.closeListeningSocket();
                }
                drain(retired, next.drainTimeout(), () -> { });
            }
        }

        public void abort() {
            bound.forEach(TcpListener::closeListeningSocket);
        }
    }

    /** Closes the given listeners' connections once they are all closed or the timeout has passed. */
    private synchronized void drain(List<TcpListener> closing, Duration timeout, Runnable then) {
        if (closing.isEmpty()) {
            then.run();
            return;
        }
        draining.addAll(closing);
        if (drainer == null) {
            drainer = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "l4-drain");
                thread.setDaemon(true);
                return thread;
            });
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        ScheduledExecutorService executor = drainer;
        Runnable check = new Runnable() {
            @Override
            public void run() {
                int open = closing.stream().mapToInt(TcpListener::openConnections).sum();
                boolean late = System.nanoTime() - deadline > 0;
                if (open > 0 && !late) {
                    executor.schedule(this, 50, TimeUnit.MILLISECONDS);
                    return;
                }
                if (open > 0) {
                    log.warn("l4: closing {} connections still open after the {} drain timeout", open, timeout);
                }
                closing.forEach(TcpListener::closeConnections);
                synchronized (L4Listeners.this) {
                    draining.removeAll(closing);
                }
                then.run();
            }
        };
        executor.execute(check);
    }

    @Override
    public void stop(Runnable callback) {
        List<TcpListener> closing;
        Duration timeout;
        synchronized (this) {
            running = false;
            closing = new ArrayList<>(listeners);
            closing.addAll(draining);
            listeners = List.of();
            timeout = settings.drainTimeout();
        }
        closing.forEach(TcpListener::closeListeningSocket);
        drain(closing, timeout, () -> {
            synchronized (this) {
                if (transport != null) {
                    transport.close();
                    transport = null;
                }
                if (drainer != null) {
                    drainer.shutdown();
                    drainer = null;
                }
            }
            callback.run();
        });
    }

    @Override
    public void stop() {
        stop(() -> { });
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** With the web server, after the upstream registry. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }

    public List<TcpListener> listeners() {
        return listeners;
    }

    public L4Settings settings() {
        return settings;
    }

    /** The port a listener is bound to. */
    public int port(String name) {
        return listeners.stream().filter(listener -> listener.settings().name().equals(name))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no listener " + name)).port();
    }
}
