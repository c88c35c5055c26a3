package dev.turnpike.tls;

import dev.turnpike.InvalidConfigurationException;
import dev.turnpike.upstream.UpstreamSettings;
import dev.turnpike.upstream.UpstreamTls;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.tcp.SslProvider;

/**
 * The client side of TLS toward each upstream that has {@code tls} on: its trust (a bundle's trust
 * store, or the JDK's authorities), its client certificate for mutual TLS, the name it verifies
 * and sends as SNI. One {@link SslProvider} per pool, shared by proxied requests, warm-up and
 * health checks, so that they all use the same connection pool and the same checks.
 */
public final class UpstreamTlsContexts {

    private static final Logger log = LoggerFactory.getLogger(UpstreamTlsContexts.class);

    private UpstreamTlsContexts() {
    }

    /** @return the provider for each pool with TLS on */
    public static Map<String, SslProvider> build(Map<String, UpstreamSettings> upstreams, SslBundles bundles) {
        Map<String, SslProvider> providers = new HashMap<>();
        upstreams.forEach((name, settings) -> {
            UpstreamTls tls = settings.tlsOrOff();
            if (tls.enabled()) {
                providers.put(name, provider(name, tls, bundles));
            }
        });
        return providers;
    }

    private static SslProvider provider(String pool, UpstreamTls tls, SslBundles bundles) {
        String key = "turnpike.upstreams." + pool + ".tls";
        Http11SslContextSpec spec = Http11SslContextSpec.forClient();
        SslBundle trust = tls.trustBundle() == null ? null : bundle(bundles, tls.trustBundle(), key + ".trust-bundle");
        SslBundle client = tls.clientBundle() == null ? null : bundle(bundles, tls.clientBundle(), key + ".client-bundle");
        if (tls.insecureSkipVerify()) {
            log.warn("TLS to upstream '{}' accepts any certificate ({}.insecure-skip-verify): its identity is not checked", pool, key);
        }
        spec.configure(builder -> {
            builder.sslProvider(TlsEngine.AUTO.nettyProvider())
                    .protocols("TLSv1.3", "TLSv1.2");
            if (tls.insecureSkipVerify()) {
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (trust != null) {
                if (trust.getManagers().getTrustManagerFactory() == null || trust.getStores().getTrustStore() == null) {
                    throw new InvalidConfigurationException(key + ".trust-bundle", "SSL bundle '" + tls.trustBundle() + "' has no trust store");
                }
                builder.trustManager(trust.getManagers().getTrustManagerFactory());
            }
            if (client != null) {
                ServerCredential credential;
                try {
                    credential = ServerCredential.from(tls.clientBundle(), client);
                } catch (IllegalArgumentException e) {
                    throw new InvalidConfigurationException(key + ".client-bundle", e.getMessage());
                }
                builder.keyManager(credential.key(), credential.chain());
            }
        });
        SslProvider.Builder provider = SslProvider.builder().sslContext(spec);
        if (tls.serverName() != null) {
            provider.serverNames(new SNIHostName(tls.serverName()));
        }
        if (tls.insecureSkipVerify()) {
            provider.handlerConfigurator(handler -> {
                var parameters = handler.engine().getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm(null);
                handler.engine().setSSLParameters(parameters);
            });
        }
        return provider.build();
    }

    private static SslBundle bundle(SslBundles bundles, String name, String key) {
        try {
            return bundles.getBundle(name);
        } catch (NoSuchSslBundleException e) {
            throw new InvalidConfigurationException(key, "no SSL bundle named '" + name + "' under spring.ssl.bundle.pem or spring.ssl.bundle.jks");
        }
    }
}
