package dev.turnpike.actuate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.LoggerFactory;

/**
 * {@code logback.events{level}}, the log events written, under the name and tags of Micrometer's own Logback
 * meters, so dashboards built on those keep working. Micrometer counts with a Logback turbo filter, which
 * Logback then consults on every level check ({@code isDebugEnabled()}) anywhere in the process, the network
 * code's many per-request checks included; an appender is only called for events that are written. It sits on
 * the root logger and on every logger that does not pass its events up to the root (such as the access log's,
 * with its own writer), so each event is counted once, as Micrometer counts it.
 */
final class LogEventMetrics extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private final Counter error;
    private final Counter warn;
    private final Counter info;
    private final Counter debug;
    private final Counter trace;

    private LogEventMetrics(MeterRegistry registry) {
        error = counter(registry, "error");
        warn = counter(registry, "warn");
        info = counter(registry, "info");
        debug = counter(registry, "debug");
        trace = counter(registry, "trace");
    }

    private static Counter counter(MeterRegistry registry, String level) {
        return Counter.builder("logback.events").tag("level", level)
                .description("Number of log events that were enabled by the effective log level")
                .baseUnit("events").register(registry);
    }

    /** Starts counting, when Logback is the logging system. */
    static void bind(MeterRegistry registry) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            LogEventMetrics metrics = new LogEventMetrics(registry);
            metrics.setContext(context);
            metrics.setName("turnpike.log-event-metrics");
            metrics.start();
            for (Logger logger : context.getLoggerList()) {
                if (logger.getName().equals(Logger.ROOT_LOGGER_NAME) || !logger.isAdditive()) {
                    logger.addAppender(metrics);
                }
            }
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        switch (event.getLevel().toInt()) {
            case Level.ERROR_INT -> error.increment();
            case Level.WARN_INT -> warn.increment();
            case Level.INFO_INT -> info.increment();
            case Level.DEBUG_INT -> debug.increment();
            default -> trace.increment();
        }
    }
}
