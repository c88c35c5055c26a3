package dev.turnpike.config.live;

import dev.turnpike.config.ListenerCheck;
import dev.turnpike.config.RouteUpstreamCheck;
import dev.turnpike.config.TurnpikeProperties;
import dev.turnpike.l4.L4Listeners;
import dev.turnpike.tls.UpstreamTlsContexts;
import dev.turnpike.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import dev.turnpike.InvalidConfigurationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The configuration the gateway runs with, and the one way to change it while it runs: read the files
 * again as a candidate, bind and validate all of it, check it against what it refers to, prepare the new
 * pools (checked and warm) and listeners (bound), and only then swap routes, pools and listeners in.
 * Anything wrong on the way leaves the running configuration as it was. Reloads run one at a time, on a
 * thread of their own.
 *
 * <p>Routes, upstreams, L4 listeners and log levels apply live. A change to any other key is reported as
 * needing a restart, in the log and in {@code /actuator/turnpike}.
 */
public final class LiveConfiguration implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveConfiguration.class);

    static final String DEFAULT_FILTERS_KEY = GatewayProperties.PREFIX + ".default-filters";

    /** Keys under these prefixes apply without a restart. */
    static final List<String> LIVE_PREFIXES = List.of(
            RouteUpstreamCheck.ROUTES_KEY, DEFAULT_FILTERS_KEY, "turnpike.upstreams.", "turnpike.l4.", "turnpike.security.",
            "turnpike.rate-limit.", "turnpike.cache.", "turnpike.trusted-proxies", "logging.level.");

    /** Keys under a live prefix that are still read only at start. */
    static final List<String> START_ONLY_KEYS = List.of("turnpike.l4.transport");

    public enum Result { APPLIED, REJECTED, UNCHANGED }

    /**
     * One reload attempt.
     *
     * @param pendingRestart keys whose new values wait for a restart (values are never shown: they may be secrets)
     */
    public record Attempt(Instant at, String trigger, Result result, String revision, ReloadFailure failure,
                          List<String> pendingRestart) {
    }

    /** What is running: the revision of the files it came from, and when it was loaded. */
    public record Loaded(String revision, Instant at, List<Path> files, List<String> pendingRestart) {
    }

    private final CandidateLoader loader;
    private final Parts parts;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "turnpike-config-reload");
        thread.setDaemon(true);
        return thread;
    });
    private final Candidate startup;
    private volatile Candidate running;
    private volatile Loaded loaded;
    private volatile Attempt lastAttempt;
    private final MeterRegistry meters;
    private Gauge revisionGauge;

    /** What a reload changes, as the beans that own each part. */
    public record Parts(UpstreamRegistry upstreams, L4Listeners listeners, SslBundles bundles,
                        GatewayProperties gateway, ApplicationEventPublisher events, RouteValidator routes,
                        List<Reconfigurable> settings, LoggingSystem logging, Runnable afterApply) {
    }

    LiveConfiguration(CandidateLoader loader, Parts parts, MeterRegistry meters) {
        this.loader = loader;
        this.parts = parts;
        this.meters = meters;
        this.startup = loader.load();
        this.running = startup;
        this.loaded = new Loaded(startup.revision(), Instant.now(), startup.files(), List.of());
        publishRevision(startup.revision());
        if (meters != null) {
            Gauge.builder("turnpike.config.loaded", this, live -> live.loaded.at().toEpochMilli() / 1000.0)
                    .description("When the running configuration was loaded, in seconds since the epoch")
                    .baseUnit("seconds")
                    .register(meters);
        }
    }

    public Loaded loaded() {
        return loaded;
    }

    /** The last reload attempt, or null before the first. */
    public Attempt lastAttempt() {
        return lastAttempt;
    }

    /** The files the running configuration came from. */
    List<Path> files() {
        return running.files();
    }

    /** Reads the files again and applies them if they are valid; completes with what happened. */
    public CompletableFuture<Attempt> reload(String trigger) {
        return CompletableFuture.supplyAsync(() -> attempt(trigger), worker);
    }

    private Attempt attempt(String trigger) {
        Candidate candidate = null;
        Attempt attempt;
        try {
            YamlSyntax.check(ConfigurationFiles.watched(running.files()));
            candidate = loader.load();
            if (candidate.revision().equals(running.revision()) && sameContent(candidate)) {
                attempt = new Attempt(Instant.now(), trigger, Result.UNCHANGED, candidate.revision(), null,
                        loaded.pendingRestart());
            } else {
                attempt = apply(candidate, trigger);
            }
        } catch (RuntimeException e) {
            ReloadFailure failure = ReloadFailure.of(e, candidate == null ? null : candidate.environment());
            log.error("configuration reload ({}) refused, the running configuration (revision {}) stays: {}",
                    trigger, running.revision(), failure);
            log.debug("refused configuration", e);
            attempt = new Attempt(Instant.now(), trigger, Result.REJECTED,
                    candidate == null ? null : candidate.revision(), failure, loaded.pendingRestart());
        }
        lastAttempt = attempt;
        if (meters != null) {
            Counter.builder("turnpike.config.reloads").description("Configuration reload attempts by result")
                    .tag("result", attempt.result().name().toLowerCase(Locale.ROOT)).register(meters).increment();
        }
        return attempt;
    }

    /** The revision hashes file contents; equal revisions with equal files are the same configuration. */
    private boolean sameContent(Candidate candidate) {
        return candidate.files().equals(running.files());
    }

    private Attempt apply(Candidate candidate, String trigger) {
        TurnpikeProperties next = candidate.turnpike();
        List<RouteDefinition> routes = candidate.routes();
        RouteUpstreamCheck.check(routes, next.upstreams().keySet());
        ListenerCheck.check(next.l4().listeners(), next.upstreams().keySet());
        Map<String, LogLevel> logLevels = logLevelChanges(running, candidate);
        List<Reconfigurable.Prepared> settings = new ArrayList<>();
        List<Runnable> undo = new ArrayList<>();
        UpstreamRegistry.Prepared pools;
        L4Listeners.Prepared listeners;
        try {
            List<GatewayFilterFactory<?>> factories = new ArrayList<>();
            for (Reconfigurable part : parts.settings()) {
                Reconfigurable.Prepared prepared = part.prepare(next, routes);
                settings.add(prepared);
                undo.add(prepared::abort);
                factories.addAll(prepared.filterFactories());
            }
            parts.routes().check(routes, candidate.defaultFilters(), factories);
            pools = parts.upstreams().prepare(next.upstreams(), UpstreamTlsContexts.build(next.upstreams(), parts.bundles()));
            undo.add(pools::abort);
            listeners = parts.listeners().prepare(next.l4());
        } catch (RuntimeException e) {
            undo.forEach(Runnable::run);
            throw e;
        }
        pools.warm().block();
        pools.commit();
        listeners.commit();
        settings.forEach(Reconfigurable.Prepared::commit);
        parts.gateway().setDefaultFilters(new ArrayList<>(candidate.defaultFilters()));
        parts.gateway().setRoutes(new ArrayList<>(routes));
        parts.events().publishEvent(new RefreshRoutesEvent(this));
        logLevels.forEach((logger, level) -> parts.logging().setLogLevel(logger, level));
        parts.afterApply().run();
        List<String> pendingRestart = pendingRestart(candidate);
        running = candidate;
        loaded = new Loaded(candidate.revision(), Instant.now(), candidate.files(), pendingRestart);
        publishRevision(candidate.revision());
        log.info("configuration revision {} applied ({}): {} routes, {} upstreams, {} l4 listeners",
                candidate.revision(), trigger, routes.size(), next.upstreams().size(), next.l4().listeners().size());
        if (!pendingRestart.isEmpty()) {
            log.warn("configuration revision {} changes keys that apply only after a restart: {}",
                    candidate.revision(), String.join(", ", pendingRestart));
        }
        return new Attempt(Instant.now(), trigger, Result.APPLIED, candidate.revision(), null, pendingRestart);
    }

    /** Keys outside the live parts whose effective value differs from the one the process started with. */
    private List<String> pendingRestart(Candidate candidate) {
        Set<String> keys = new TreeSet<>(startup.fileKeys());
        keys.addAll(candidate.fileKeys());
        List<String> changed = new ArrayList<>();
        for (String key : keys) {
            if (isLive(key)) {
                continue;
            }
            if (!Objects.equals(value(startup.environment(), key), value(candidate.environment(), key))) {
                changed.add(key);
            }
        }
        return List.copyOf(changed);
    }

    static boolean isLive(String key) {
        String normalized = key.toLowerCase(Locale.ROOT);
        if (START_ONLY_KEYS.contains(normalized)) {
            return false;
        }
        for (String prefix : LIVE_PREFIXES) {
            if (normalized.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static String value(ConfigurableEnvironment environment, String key) {
        try {
            return environment.getProperty(key);
        } catch (IllegalArgumentException unresolvable) {
            Object raw = environment.getPropertySources().stream()
                    .map(source -> source.getProperty(key)).filter(Objects::nonNull).findFirst().orElse(null);
            return String.valueOf(raw);
        }
    }

    /** The loggers whose {@code logging.level} changed, with their new level (null: back to inherited). */
    private Map<String, LogLevel> logLevelChanges(Candidate before, Candidate after) {
        Map<String, LogLevel> changes = new LinkedHashMap<>();
        if (parts.logging() == null) {
            return changes;
        }
        Set<String> keys = new TreeSet<>(before.fileKeys());
        keys.addAll(after.fileKeys());
        keys.removeIf(key -> !key.startsWith("logging.level."));
        for (String key : keys) {
            String now = value(after.environment(), key);
            if (Objects.equals(now, value(before.environment(), key))) {
                continue;
            }
            String logger = key.substring("logging.level.".length());
            LogLevel level = null;
            if (now != null) {
                try {
                    level = LogLevel.valueOf(now.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new InvalidConfigurationException(key, "'" + now + "' is not a log level; use one of "
                            + Arrays.toString(LogLevel.values()).toLowerCase(Locale.ROOT));
                }
            }
            changes.put("root".equalsIgnoreCase(logger) ? LoggingSystem.ROOT_LOGGER_NAME : logger, level);
        }
        return changes;
    }

    private void publishRevision(String revision) {
        if (meters == null) {
            return;
        }
        if (revisionGauge != null) {
            meters.remove(revisionGauge);
        }
        revisionGauge = Gauge.builder("turnpike.config.revision", () -> 1)
                .description("1, tagged with the revision (hash of the configuration files) now running")
                .tag("revision", revision)
                .register(meters);
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
