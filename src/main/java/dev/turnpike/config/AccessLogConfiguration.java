package dev.turnpike.config;

import dev.turnpike.accesslog.AccessLog;
import dev.turnpike.accesslog.AccessLogWriter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The access log shared by the HTTP side and the L4 listeners. */
@Configuration(proxyBeanMethods = false)
public class AccessLogConfiguration {

    /** Structured (JSON) lines when Spring Boot's structured logging is on for the console or the file. */
    @Bean
    AccessLog accessLog(Environment environment, AccessLogWriter writer) {
        return new AccessLog(environment.containsProperty("logging.structured.format.console")
                || environment.containsProperty("logging.structured.format.file"));
    }

    /** Logging is set up by the time beans are made, so the access loggers can be routed through their queues here. */
    @Bean
    AccessLogWriter accessLogWriter(TurnpikeProperties properties, ObjectProvider<MeterRegistry> meters) {
        AccessLogWriter writer = AccessLogWriter.install(properties.accessLog().queue());
        meters.ifAvailable(registry -> FunctionCounter.builder("turnpike.access.dropped", writer, AccessLogWriter::dropped)
                .description("Access log lines dropped because the log output could not keep up")
                .register(registry));
        return writer;
    }
}
