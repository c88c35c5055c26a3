package dev.turnpike.warmup;

import dev.turnpike.config.TurnpikeProperties;
import dev.turnpike.l4.L4Listeners;
import dev.turnpike.tls.ServerCertificates;
import dev.turnpike.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.HttpHandler;

@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("turnpike.warmup.enabled")
public class WarmupConfiguration {

    @Bean
    WarmupRoute warmupRoute() {
        return new WarmupRoute();
    }

    @Bean
    StartupWarmup startupWarmup(TurnpikeProperties properties, ObjectProvider<UpstreamRegistry> registry,
                                ObjectProvider<L4Listeners> l4, WarmupRoute route,
                                HttpHandler httpHandler, ObjectProvider<NettyServerCustomizer> customizers,
                                ReactorResourceFactory resources, ObjectProvider<ServerCertificates> certificates,
                                ApplicationEventPublisher events, LoggingSystem logging, MeterRegistry meters) {
        ServerCertificates tls = properties.tls().enabled() ? certificates.getObject() : null;
        return new StartupWarmup(properties.warmup(), registry, l4, route,
                () -> new LoopbackServers(httpHandler, customizers.orderedStream().toList(), resources,
                        tls == null ? null : properties.tls(), tls),
                events, logging, meters);
    }
}
