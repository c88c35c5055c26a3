package dev.turnpike.accesslog;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Writes the access log from a thread of its own: the event loop that logs a request or a connection only
 * queues the line. A console or file that stops taking lines (a pipe to a stalled log collector, a full disk)
 * would otherwise stall every connection on that loop. Once the queue is four-fifths full, further lines are
 * dropped and counted, as a log shipper under pressure does, rather than holding up the traffic.
 *
 * <p>The lines go to the appenders of the root logger, as they would without this; an operator's logging
 * configuration that gives the access loggers appenders of their own, or makes them non-additive, is left
 * as it is.
 */
public final class AccessLogWriter {

    private static final String LOGGER = "turnpike.access";

    private final LongAdder dropped = new LongAdder();
    private final boolean installed;

    private AccessLogWriter(boolean installed) {
        this.installed = installed;
    }

    /** Routes the access loggers through queues of {@code queue} lines, one per root appender. */
    public static AccessLogWriter install(int queue) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        return factory instanceof LoggerContext context ? install(context, queue) : new AccessLogWriter(false);
    }

    static AccessLogWriter install(LoggerContext context, int queue) {
        Logger access = context.getLogger(LOGGER);
        List<Logger> accessLoggers = List.of(access, context.getLogger(LOGGER + ".http"), context.getLogger(LOGGER + ".l4"));
        if (accessLoggers.stream().anyMatch(logger -> !logger.isAdditive() || logger.iteratorForAppenders().hasNext())) {
            return new AccessLogWriter(false);
        }
        AccessLogWriter writer = new AccessLogWriter(true);
        List<Appender<ILoggingEvent>> targets = new ArrayList<>();
        context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().forEachRemaining(targets::add);
        for (Appender<ILoggingEvent> target : targets) {
            access.addAppender(writer.queueFor(context, target, queue));
        }
        access.setAdditive(false);
        return writer;
    }

    private Appender<ILoggingEvent> queueFor(LoggerContext context, Appender<ILoggingEvent> target, int queue) {
        AsyncAppender queued = new CountingAsyncAppender(dropped);
        queued.setContext(context);
        queued.setName(LOGGER + ">" + target.getName());
        queued.setQueueSize(queue);
        queued.setNeverBlock(true);
        queued.addAppender(target);
        queued.start();
        return queued;
    }

    /** Whether the access log goes through the queues (false when the logging configuration routes it itself). */
    public boolean installed() {
        return installed;
    }

    /** Lines dropped because the writer could not keep up. */
    public long dropped() {
        return dropped.sum();
    }

    /** Logback's queue drops an INFO line once the queue passes its discarding threshold; this counts each. */
    private static final class CountingAsyncAppender extends AsyncAppender {

        private final LongAdder dropped;

        CountingAsyncAppender(LongAdder dropped) {
            this.dropped = dropped;
        }

        @Override
        protected boolean isDiscardable(ILoggingEvent event) {
            boolean discard = super.isDiscardable(event);
            if (discard) {
                dropped.increment();
            }
            return discard;
        }
    }
}
