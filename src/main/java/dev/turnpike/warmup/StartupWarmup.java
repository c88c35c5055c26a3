package dev.turnpike.warmup;

import dev.turnpike.config.TurnpikeProperties;
import dev.turnpike.l4.L4Listeners;
import dev.turnpike.l4.ListenerSettings;
import dev.turnpike.l4.ListenerSettings.ListenerMode;
import dev.turnpike.l4.TcpListener;
import dev.turnpike.upstream.AllDownPolicy;
import dev.turnpike.upstream.BalancerType;
import dev.turnpike.upstream.HealthCheckType;
import dev.turnpike.upstream.ServerAddress;
import dev.turnpike.upstream.UpstreamRegistry;
import dev.turnpike.upstream.UpstreamSettings;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Before the gateway opens its ports, sends traffic through its own request paths until the JIT compiler has
 * caught up or {@code turnpike.warmup.duration} has passed: HTTP requests on new and kept-alive connections
 * through the routing and filters, the same over TLS (new connections making full and resumed handshakes in turn)
 * when the HTTPS listener is on, and connections through a TCP and a TLS-passthrough listener when such listeners
 * are configured (through a TCP listener also large downloads to a client slower than the backend, some of them
 * cut off, and many connections held at once). They go to copies of the listeners on loopback ports and end at an
 * in-process backend; no configured backend sees them.
 *
 * <p>A JVM compiles its hot code only after running it many times, and on a busy core that takes tens of
 * seconds of traffic; meanwhile every request costs several times more. With the warm-up, the first clients
 * meet compiled code. The warm-up's requests are not written to the access log and leave no metrics behind.
 */
public final class StartupWarmup implements SmartLifecycle {

    static final String NAME = "turnpike-warmup";
    private static final String TLS_POOL = NAME + "-tls";
    private static final int KEEP_ALIVE_REQUESTS = 32;
    /**
     * Connections each exchange of the many-connections load holds at once: with two threads, four times what a
     * 64-connection load puts on the listener, so that the event loops' tables of channels grow in the warm-up,
     * not when traffic first arrives in numbers.
     */
    private static final int MANY_CONNECTIONS = 128;
    /**
     * Requests each load makes at full pace before it gives way to the loads that have made fewer. HotSpot's C2
     * compiler takes a method after about 5,000 calls (more while its queue is long); without a share, the cheap
     * loads (a TCP connection costs a fraction of a TLS handshake) take most of the core and the dear paths stay
     * far below that.
     */
    static final long SHARE = 6_000;
    /**
     * Rounds of the warm-up, each through loopback resources of its own. Closing the first round's resources and
     * binding the second's run code for the first time while the paths it shares with traffic are compiled, and the
     * JIT compiler throws away code that had ruled such a turn out; the second round has it compiled again, and the
     * gateway's own listeners then bind and later close on code that has seen both.
     */
    private static final int ROUNDS = 2;
    private static final List<String> ACCESS_LOGGERS = List.of("turnpike.access.http", "turnpike.access.l4");
    private static final Logger log = LoggerFactory.getLogger(StartupWarmup.class);

    private final TurnpikeProperties.Warmup settings;
    private final ObjectProvider<UpstreamRegistry> registry;
    private final ObjectProvider<L4Listeners> l4;
    private final WarmupRoute route;
    private final Supplier<LoopbackServers> servers;
    private final ApplicationEventPublisher events;
    private final LoggingSystem logging;
    private final MeterRegistry meters;
    private volatile Report report;
    private volatile boolean running;

    /**
     * @param completed exchanges that ended with their responses read, by load
     * @param failed exchanges that did not, by load
     */
    public record Report(Duration took, Map<String, Long> completed, Map<String, Long> failed) {
    }

    /**
     * The registry and the L4 listeners are looked up when the warm-up starts: Spring starts the lifecycle
     * beans a bean was built with before the bean itself, and these must start after the warm-up.
     */
    StartupWarmup(TurnpikeProperties.Warmup settings, ObjectProvider<UpstreamRegistry> registry,
                  ObjectProvider<L4Listeners> l4, WarmupRoute route,
                  Supplier<LoopbackServers> servers, ApplicationEventPublisher events, LoggingSystem logging,
                  MeterRegistry meters) {
        this.settings = settings;
        this.registry = registry;
        this.l4 = l4;
        this.route = route;
        this.servers = servers;
        this.events = events;
        this.logging = logging;
        this.meters = meters;
    }

    @Override
    public void start() {
        running = true;
        long began = System.nanoTime();
        long deadline = began + settings.duration().toNanos();
        Map<String, LogLevel> accessLogLevels = silenceAccessLogs();
        Map<String, Load> loads = new LinkedHashMap<>();
        route.open(); // for both rounds: a route added later would reach the table only with a refresh
        try {
            boolean settled = false;
            for (int round = 1; round <= ROUNDS; round++) {
                long left = deadline - System.nanoTime();
                settled = round(loads, Duration.ofNanos(left / (ROUNDS - round + 1))); // the last round takes what is left
            }
            report = report(loads.values(), Duration.ofNanos(System.nanoTime() - began), settled);
        } catch (Exception e) {
            log.warn("warm-up stopped early, the gateway starts without it: {}", e.toString());
        } finally {
            closeRoute();
            accessLogLevels.forEach(logging::setLogLevel);
            removeMeters();
        }
    }

    /**
     * Opens the loopback resources, runs the loads through them for at most {@code duration} and closes them again;
     * the loads keep their counts from one round to the next.
     */
    private boolean round(Map<String, Load> loads, Duration duration) throws Exception {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            open(opened).forEach((name, exchange) -> loads.computeIfAbsent(name, Load::new).use(exchange));
            return drive(List.copyOf(loads.values()), duration);
        } finally {
            close(opened);
        }
    }

    /**
     * The loopback backend, pools and listener copies the loads go through, each pushed for closing; returns each
     * load's exchange by the load's name.
     */
    private Map<String, Exchange> open(Deque<AutoCloseable> opened) throws Exception {
        UpstreamRegistry registry = this.registry.getObject();
        L4Listeners l4 = this.l4.getObject();
        LoopbackBackend backend = new LoopbackBackend();
        opened.push(backend);
        opened.push(registry.addUnlisted(NAME, pool(backend.port()))::run);
        LoopbackServers copies = servers.get();
        opened.push(copies);

        Map<String, String> routed = Map.of(WarmupRoute.HEADER, route.token());
        Map<String, Exchange> loads = new LinkedHashMap<>();
        loads.put("http-new-connection", LoopbackPlainClient.exchange(copies.httpPort(), 1, routed));
        loads.put("http-keep-alive", LoopbackPlainClient.exchange(copies.httpPort(), KEEP_ALIVE_REQUESTS, routed));
        if (copies.httpsPort() > 0) {
            LoopbackTlsClient tls = new LoopbackTlsClient();
            opened.push(tls);
            loads.put("https-new-connection", tls.newConnection(copies.httpsPort(), routed));
            loads.put("https-keep-alive", tls.keptAlive(copies.httpsPort(), KEEP_ALIVE_REQUESTS, routed));
            Optional<ListenerSettings> configuredPassthrough = firstConfigured(l4, ListenerMode.TLS_PASSTHROUGH);
            if (configuredPassthrough.isPresent()) {
                opened.push(registry.addUnlisted(TLS_POOL, pool(copies.httpsPort()))::run);
                TcpListener passthrough = l4.bindUnlisted(copyOf(configuredPassthrough.get(), NAME + "-sni", null, TLS_POOL));
                opened.push(passthrough::close);
                loads.put("tls-passthrough-new-connection", tls.newConnection(passthrough.port(), routed));
            }
        }
        Optional<ListenerSettings> configuredTcp = firstConfigured(l4, ListenerMode.TCP);
        if (configuredTcp.isPresent()) {
            TcpListener tcp = l4.bindUnlisted(copyOf(configuredTcp.get(), NAME + "-tcp", NAME, null));
            opened.push(tcp::close);
            loads.put("tcp-new-connection", LoopbackPlainClient.exchange(tcp.port(), 1, Map.of()));
            loads.put("tcp-keep-alive", LoopbackPlainClient.exchange(tcp.port(), KEEP_ALIVE_REQUESTS, Map.of()));
            loads.put("tcp-bulk", LoopbackPlainClient.bulk(tcp.port()));
            int many = heldAtOnce(configuredTcp.get().maxConnections(), settings.concurrency());
            if (many >= LoopbackPlainClient.PROBE_EVERY) {
                loads.put("tcp-many-connections", LoopbackPlainClient.manyConnections(tcp.port(), many));
            }
        }
        return loads;
    }

    /**
     * The connections a many-connections exchange holds at once: {@value #MANY_CONNECTIONS}, or fewer where the
     * listener's {@code max-connections} is lower, so that the load's threads together hold at most a quarter of
     * it and the warm-up stays clear of the limit.
     */
    static int heldAtOnce(int maxConnections, int concurrency) {
        return maxConnections == 0 ? MANY_CONNECTIONS : Math.min(MANY_CONNECTIONS, maxConnections / (4 * concurrency));
    }

    private static Optional<ListenerSettings> firstConfigured(L4Listeners l4, ListenerMode mode) {
        return l4.settings().listeners().stream().filter(listener -> listener.mode() == mode).findFirst();
    }

    /**
     * Runs every load on {@code concurrency} threads of its own, each at its own pace, until the JIT compiler
     * has caught up ({@link CompilerWatch}) or the duration is over. A load that has made its {@link #SHARE}
     * slows to one exchange per thread every {@link Exchange#trickle()} while another has not, so that the core
     * goes to the paths that have run least. The loads keep running until the end: the compiler postpones methods while
     * its queue is long, and compiles them only if they are still being called once it has room.
     */
    private boolean drive(List<Load> loads, Duration duration) throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(loads.size() * settings.concurrency(), runnable -> {
            Thread thread = new Thread(runnable, NAME);
            thread.setDaemon(true);
            return thread;
        });
        AtomicBoolean done = new AtomicBoolean();
        for (Load load : loads) {
            for (int i = 0; i < settings.concurrency(); i++) {
                threads.execute(() -> {
                    while (!done.get()) {
                        if (givesWay(load, loads) && !pause(load.trickle())) {
                            return;
                        }
                        load.runOnce();
                    }
                });
            }
        }
        try {
            return new CompilerWatch().awaitSettled(duration);
        } finally {
            done.set(true);
            threads.shutdown();
            if (!threads.awaitTermination(30, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        }
    }

    /** Whether a load has made its share of requests while another has not. */
    static boolean givesWay(Load load, List<Load> loads) {
        return load.requests() >= SHARE && loads.stream().anyMatch(other -> other.requests() < SHARE);
    }

    /** False when interrupted. */
    private static boolean pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Report report(Collection<Load> loads, Duration took, boolean settled) {
        Map<String, Long> completed = new LinkedHashMap<>();
        Map<String, Long> failed = new LinkedHashMap<>();
        loads.forEach(load -> {
            completed.put(load.name(), load.completed.sum());
            failed.put(load.name(), load.failed.sum());
        });
        long failures = failed.values().stream().mapToLong(Long::longValue).sum();
        log.info("warm-up took {} ms ({}): exchanges completed {}", took.toMillis(),
                settled ? "until the JIT compiler caught up" : "the longest allowed", completed);
        if (failures > 0) {
            String example = loads.stream().map(load -> load.lastFailure).filter(failure -> failure != null)
                    .findFirst().orElse("");
            log.warn("warm-up: {} exchanges failed {} (one of them: {})", failures, failed, example);
        }
        return new Report(took, Map.copyOf(completed), Map.copyOf(failed));
    }

    private void closeRoute() {
        route.close();
        events.publishEvent(new RefreshRoutesEvent(this));
    }

    private static void close(Deque<AutoCloseable> opened) {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                log.warn("warm-up: closing its loopback resources failed: {}", e.toString());
            }
        }
    }

    /** Turns the access logs off for the warm-up; returns the levels to restore (null: inherited). */
    private Map<String, LogLevel> silenceAccessLogs() {
        Map<String, LogLevel> configured = new LinkedHashMap<>();
        for (String name : ACCESS_LOGGERS) {
            LoggerConfiguration current = logging.getLoggerConfiguration(name);
            configured.put(name, current == null ? null : current.getConfiguredLevel());
            logging.setLogLevel(name, LogLevel.OFF);
        }
        return configured;
    }

    /** Meters that counted the warm-up's route, pools or listeners. */
    private void removeMeters() {
        List<Meter> warmup = meters.getMeters().stream()
                .filter(meter -> meter.getId().getTags().stream().anyMatch(tag -> tag.getValue().startsWith(NAME)))
                .toList();
        warmup.forEach(meters::remove);
    }

    private static UpstreamSettings pool(int port) {
        return new UpstreamSettings(List.of(new UpstreamSettings.Server(new ServerAddress("127.0.0.1", port), 1)),
                BalancerType.ROUND_ROBIN, null, AllDownPolicy.TRY_ALL,
                new UpstreamSettings.HealthCheck(HealthCheckType.NONE, "/", Duration.ofSeconds(5), Duration.ofSeconds(1),
                        2, 3, List.of("200-399")),
                new UpstreamSettings.Passive(0, Duration.ofSeconds(10), List.of()),
                new UpstreamSettings.Warmup(0, Duration.ofSeconds(20)), null);
    }

    /**
     * A loopback copy of a configured listener with its limits and timeouts, so that the branches those decide
     * take the same turns in the warm-up as in traffic. PROXY headers stay off: the warm-up's clients and backend
     * speak plain HTTP.
     */
    static ListenerSettings copyOf(ListenerSettings configured, String name, String upstream, String defaultUpstream) {
        return new ListenerSettings(name, 0, "127.0.0.1", configured.mode(), upstream, List.of(), defaultUpstream,
                configured.connectTimeout(), configured.idleTimeout(), configured.maxConnections(),
                ListenerSettings.ProxyProtocol.OFF, false, configured.clientHello());
    }

    /** One kind of exchange, with its counts over every round. */
    static final class Load {

        private final String name;
        private volatile Exchange exchange;
        final LongAdder completed = new LongAdder();
        private final LongAdder requests = new LongAdder();
        final LongAdder failed = new LongAdder();
        volatile String lastFailure;

        Load(String name) {
            this.name = name;
        }

        /** The exchange to run, through the round's loopback resources. */
        void use(Exchange exchange) {
            this.exchange = exchange;
        }

        String name() {
            return name;
        }

        long requests() {
            return requests.sum();
        }

        Duration trickle() {
            return exchange.trickle();
        }

        void runOnce() {
            try {
                requests.add(exchange.run());
                completed.increment();
            } catch (Exception e) {
                failed.increment();
                lastFailure = name + ": " + e;
            }
        }
    }

    /** What the last warm-up did; null before it ran or when it stopped early. */
    public Report report() {
        return report;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * After the upstream pools have started their health checks and warm connections, before any listener opens: the
     * JIT compiler throws away compiled code when a type or branch it had ruled out turns up, as it does when those
     * start, so they start first.
     */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1536;
    }
}
