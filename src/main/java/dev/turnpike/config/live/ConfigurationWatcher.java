package dev.turnpike.config.live;

import dev.turnpike.config.TurnpikeProperties;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reads the configuration files every {@code turnpike.reload.interval} and reloads once a change has
 * settled for {@code quiet-period}. A refused change is not tried again until the files change once more.
 */
final class ConfigurationWatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConfigurationWatcher.class);

    private final LiveConfiguration live;
    private final TurnpikeProperties.Reload settings;
    private ScheduledExecutorService timer;
    private Set<Path> watched;
    private String seen;
    private String changed;
    private long changedAt;

    ConfigurationWatcher(LiveConfiguration live, TurnpikeProperties.Reload settings) {
        this.live = live;
        this.settings = settings;
    }

    @Override
    public synchronized void start() {
        watched = ConfigurationFiles.watched(live.files());
        seen = ConfigurationFiles.fingerprint(watched);
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "turnpike-config-watch");
            thread.setDaemon(true);
            return thread;
        });
        long interval = settings.interval().toMillis();
        timer.scheduleWithFixedDelay(this::poll, interval, interval, TimeUnit.MILLISECONDS);
        log.info("watching {} for configuration changes", live.files().isEmpty() ? watched : live.files());
    }

    private void poll() {
        try {
            String now = ConfigurationFiles.fingerprint(watched);
            if (now.equals(seen)) {
                changed = null;
                return;
            }
            if (!now.equals(changed)) {
                changed = now;
                changedAt = System.nanoTime();
                return;
            }
            if (System.nanoTime() - changedAt < settings.quietPeriod().toNanos()) {
                return;
            }
            seen = now;
            changed = null;
            live.reload("file change").join();
            Set<Path> files = ConfigurationFiles.watched(live.files());
            if (!files.equals(watched)) {
                watched = files;
                seen = ConfigurationFiles.fingerprint(files);
            }
        } catch (RuntimeException e) {
            log.error("configuration watch failed; it goes on", e);
        }
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
