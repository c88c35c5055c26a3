package dev.turnpike.config;

import dev.turnpike.accesslog.AccessLog;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The access log shared by the HTTP side and the L4 listeners. */
@Configuration(proxyBeanMethods = false)
public class AccessLogConfiguration {

    /** Structured (JSON) lines when Spring Boot's structured logging is on for the console or the file. */
    @Bean
    AccessLog accessLog(Environment environment) {
        return new AccessLog(environment.containsProperty("logging.structured.format.console")
                || environment.containsProperty("logging.structured.format.file"));
    }
}
