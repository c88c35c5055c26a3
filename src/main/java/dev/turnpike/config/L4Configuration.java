package dev.turnpike.config;

import dev.turnpike.l4.L4Listeners;
import dev.turnpike.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;

@Configuration(proxyBeanMethods = false)
public class L4Configuration {

    @Bean
    L4Listeners l4Listeners(TurnpikeProperties properties, UpstreamRegistry registry,
                            ObjectProvider<ReactorResourceFactory> resources, ObjectProvider<MeterRegistry> meters,
                            dev.turnpike.accesslog.AccessLog accessLog) {
        ListenerCheck.check(properties.l4().listeners(), properties.upstreams().keySet());
        ReactorResourceFactory factory = resources.getIfAvailable();
        LoopResources loops = factory != null ? factory.getLoopResources() : HttpResources.get();
        return new L4Listeners(properties.l4(), registry, loops, meters.getIfAvailable(), accessLog);
    }
}
