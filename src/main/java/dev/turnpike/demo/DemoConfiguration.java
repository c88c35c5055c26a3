package dev.turnpike.demo;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("turnpike.demo.enabled")
public class DemoConfiguration {

    @Bean
    DemoBackends demoBackends(dev.turnpike.config.TurnpikeProperties properties) {
        return new DemoBackends(properties.demo().host(), properties.demo().ports());
    }
}
