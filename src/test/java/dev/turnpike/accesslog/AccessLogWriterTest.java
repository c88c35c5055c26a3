package dev.turnpike.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.read.ListAppender;
import dev.turnpike.support.Gateway;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The access log is written from a thread of its own: an output that stops taking lines holds up no caller. */
class AccessLogWriterTest {

    /** A root appender whose output has stopped, like a pipe nobody reads, until released. */
    private static final class StalledOutput extends AppenderBase<ILoggingEvent> {
        final CountDownLatch released = new CountDownLatch(1);
        final List<String> written = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.add(event.getFormattedMessage());
        }
    }

    private static LoggerContext contextWithRoot(AppenderBase<ILoggingEvent> output) {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        output.setContext(context);
        output.setName("stalled");
        output.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(output);
        return context;
    }

    @Test
    void aStalledOutputHoldsUpNoCallerAndEveryLineIsWrittenOrCountedAsDropped() throws Exception {
        StalledOutput output = new StalledOutput();
        LoggerContext context = contextWithRoot(output);
        AccessLogWriter writer = AccessLogWriter.install(context, 16);
        assertThat(writer.installed()).isTrue();
        Logger http = context.getLogger("turnpike.access.http");
        Logger l4 = context.getLogger("turnpike.access.l4");

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int i = 0; i < 100; i++) {
                (i % 2 == 0 ? http : l4).info("line {}", i);
            }
        }, "logging a line waited for the stalled output");
        // held: the queue, and at most a queue's worth the writing thread took out of it before it stalled
        assertThat(writer.dropped()).isGreaterThanOrEqualTo(100 - 2 * 16);

        output.released.countDown();
        Gateway.await(Duration.ofSeconds(5), () -> output.written.size() + writer.dropped() == 100,
                "every line written or counted as dropped");
        assertThat(output.written).contains("line 0").doesNotHaveDuplicates();
        context.stop();
    }

    @Test
    void theLinesStillReachTheRootAppendersInOrder() throws Exception {
        ListAppender<ILoggingEvent> output = new ListAppender<>();
        LoggerContext context = contextWithRoot(output);
        AccessLogWriter writer = AccessLogWriter.install(context, 1024);
        Logger http = context.getLogger("turnpike.access.http");
        for (int i = 0; i < 50; i++) {
            http.info("request {}", i);
        }
        context.getLogger("dev.turnpike.other").info("not an access line");
        Gateway.await(Duration.ofSeconds(5), () -> output.list.size() == 51, "all lines");
        assertThat(output.list.stream().filter(e -> e.getLoggerName().equals("turnpike.access.http"))
                .map(ILoggingEvent::getFormattedMessage).toList())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50).mapToObj(i -> "request " + i).toList());
        assertThat(writer.dropped()).isZero();
        context.stop();
    }

    @Test
    void anAccessLoggerWithAppendersOfItsOwnIsLeftAsConfigured() {
        ListAppender<ILoggingEvent> root = new ListAppender<>();
        LoggerContext context = contextWithRoot(root);
        ListAppender<ILoggingEvent> own = new ListAppender<>();
        own.setContext(context);
        own.start();
        context.getLogger("turnpike.access.l4").addAppender(own);

        AccessLogWriter writer = AccessLogWriter.install(context, 1024);

        assertThat(writer.installed()).isFalse();
        assertThat(context.getLogger("turnpike.access").isAdditive()).isTrue();
        context.getLogger("turnpike.access.l4").info("connection");
        assertThat(own.list).hasSize(1);
        assertThat(root.list).hasSize(1);
        context.stop();
    }
}
