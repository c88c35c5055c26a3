package dev.turnpike.config;

import dev.turnpike.l7.TrustedProxies;
import dev.turnpike.tls.HttpsListener;
import io.micrometer.core.instrument.MeterRegistry;
import dev.turnpike.tls.HttpsRedirect;
import dev.turnpike.tls.HttpsRedirectGatewayFilterFactory;
import dev.turnpike.tls.HttpsRedirectWebFilter;
import dev.turnpike.tls.SelfSignedCertificate;
import dev.turnpike.tls.ServerCertificates;
import dev.turnpike.tls.TlsSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.HttpHandler;

/** The HTTPS listener of {@code turnpike.tls}, its certificates, and redirects from plain HTTP. */
@Configuration(proxyBeanMethods = false)
public class TlsConfiguration {

    /** The name the generated development certificate is registered under among the SSL bundles. */
    static final String SELF_SIGNED_BUNDLE = "turnpike-self-signed";

    @Bean
    HttpsRedirect httpsRedirect(TurnpikeProperties properties, ObjectProvider<HttpsListener> listener, TrustedProxies proxies) {
        TlsSettings tls = properties.tls();
        if (tls.redirectPort() != null || tls.port() != 0) {
            return new HttpsRedirect(tls::publicPort, proxies::isTrusted);
        }
        return new HttpsRedirect(() -> listener.getIfAvailable() != null ? listener.getObject().port() : tls.port(),
                proxies::isTrusted);
    }

    @Bean
    HttpsRedirectGatewayFilterFactory httpsRedirectGatewayFilterFactory(HttpsRedirect redirect) {
        return new HttpsRedirectGatewayFilterFactory(redirect);
    }

    @Bean
    @ConditionalOnBooleanProperty("turnpike.tls.redirect-http")
    HttpsRedirectWebFilter httpsRedirectWebFilter(HttpsRedirect redirect) {
        return new HttpsRedirectWebFilter(redirect);
    }

    @Bean
    @ConditionalOnBooleanProperty("turnpike.tls.enabled")
    ServerCertificates serverCertificates(TurnpikeProperties properties, DefaultSslBundleRegistry bundles) {
        TlsSettings tls = properties.tls();
        String bundle = tls.bundle();
        if (bundle == null || bundle.isBlank()) {
            bundles.registerBundle(SELF_SIGNED_BUNDLE, SelfSignedCertificate.obtain(tls.selfSigned()));
            bundle = SELF_SIGNED_BUNDLE;
        }
        return new ServerCertificates(tls, bundles, bundle);
    }

    @Bean
    @ConditionalOnBooleanProperty("turnpike.tls.enabled")
    HttpsListener httpsListener(TurnpikeProperties properties, ServerCertificates certificates, HttpHandler httpHandler,
                                ObjectProvider<NettyServerCustomizer> customizers, ReactorResourceFactory resources,
                                ServerProperties server, MeterRegistry registry) {
        return new HttpsListener(properties.tls(), certificates, httpHandler, customizers.orderedStream().toList(),
                resources, server.getShutdown(), registry);
    }
}
