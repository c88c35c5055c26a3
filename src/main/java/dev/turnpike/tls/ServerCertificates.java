package dev.turnpike.tls;

import dev.turnpike.InvalidConfigurationException;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.tcp.SslProvider;
import reactor.netty.tcp.SslProvider.ProtocolSslContextSpec;

/**
 * The certificates the HTTPS listener presents: a default one and further ones chosen by the
 * ClientHello's server name. Each comes from an SSL bundle; when Spring Boot reloads a bundle
 * (its files changed, {@code reload-on-update}), new handshakes get the new certificate while open
 * connections keep the one they started with. With no certificates by server name, the listener's TLS
 * handler goes in as the connection opens, with no reading of the ClientHello beforehand.
 */
public final class ServerCertificates {

    private static final Logger log = LoggerFactory.getLogger(ServerCertificates.class);

    /** TLS 1.3's suites; the JDK engine turns TLS 1.3 off unless they are listed. */
    private static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    private final TlsSettings settings;
    private final io.netty.handler.ssl.SslProvider engine;
    private final String defaultBundle;
    private final Map<String, ReloadableSslContext> contexts = new LinkedHashMap<>();
    private final Map<String, SslProvider> providers = new LinkedHashMap<>();
    private final ServerNameTable<String> bundleByName;
    private final SessionTicketKeys ticketKeys;

    /**
     * @param defaultBundle the bundle to present when no server name matches (configured, or the
     *        self-signed one registered under this name)
     */
    public ServerCertificates(TlsSettings settings, SslBundles bundles, String defaultBundle) {
        this.settings = settings;
        this.engine = settings.engine().nettyProvider();
        this.defaultBundle = defaultBundle;
        this.ticketKeys = settings.sessionTickets() ? new SessionTicketKeys(settings.ticketKeyRotation()) : null;
        ServerNameTable.Builder<String> table = ServerNameTable.builder();
        Map<String, String> keyByBundle = new LinkedHashMap<>();
        keyByBundle.put(defaultBundle, "turnpike.tls.bundle");
        for (int i = 0; i < settings.sni().size(); i++) {
            TlsSettings.SniCertificate sni = settings.sni().get(i);
            keyByBundle.putIfAbsent(sni.bundle(), "turnpike.tls.sni[" + i + "].bundle");
            sni.serverNames().forEach(name -> table.add(name, sni.bundle()));
        }
        this.bundleByName = table.build();

        keyByBundle.forEach((name, key) -> {
            try {
                ReloadableSslContext context = new ReloadableSslContext(context(name, bundles.getBundle(name)));
                contexts.put(name, context);
                providers.put(name, SslProvider.builder().sslContext(context).handshakeTimeout(settings.handshakeTimeout()).build());
            } catch (NoSuchSslBundleException e) {
                throw new InvalidConfigurationException(key, "no SSL bundle named '" + name + "' under spring.ssl.bundle.pem or spring.ssl.bundle.jks");
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new InvalidConfigurationException(key, e.getMessage());
            }
            bundles.addBundleUpdateHandler(name, updated -> reload(name, updated));
        });
    }

    /** Puts the certificates on a server, with the one to present chosen per handshake when there are several. */
    public HttpServer secure(HttpServer server) {
        if (settings.sni().isEmpty()) {
            return server.secure(providers.get(defaultBundle));
        }
        return server.secure(spec -> spec.sslContext(contexts.get(defaultBundle))
                .handshakeTimeout(settings.handshakeTimeout())
                .setSniAsyncMappings((serverName, promise) -> promise.setSuccess(forServerName(serverName))));
    }

    SslProvider forServerName(String serverName) {
        String bundle = bundleByName.find(serverName);
        return providers.get(bundle != null ? bundle : defaultBundle);
    }

    /** The engine in use, for the start-up log. */
    public String engineName() {
        return engine == io.netty.handler.ssl.SslProvider.OPENSSL ? "OpenSSL (" + OpenSsl.versionString() + ")" : "JDK";
    }

    private void reload(String name, SslBundle bundle) {
        try {
            contexts.get(name).replace(context(name, bundle));
            log.info("TLS: certificate of bundle '{}' reloaded; new handshakes present {}", name,
                    ServerCredential.from(name, bundle).leaf().getSubjectX500Principal());
        } catch (RuntimeException e) {
            log.error("TLS: bundle '{}' changed but cannot be used ({}); the previous certificate stays in use", name, e.getMessage());
        }
    }

    private SslContext context(String name, SslBundle bundle) {
        ServerCredential credential = ServerCredential.from(name, bundle);
        ProtocolSslContextSpec spec = settings.http2()
                ? Http2SslContextSpec.forServer(credential.key(), credential.chain())
                : Http11SslContextSpec.forServer(credential.key(), credential.chain());
        List<String> ciphers = new ArrayList<>(TLS13_SUITES);
        ciphers.addAll(settings.ciphers());
        spec.configure(builder -> builder.sslProvider(engine)
                .protocols(settings.protocols())
                .ciphers(ciphers, SupportedCipherSuiteFilter.INSTANCE));
        SslContext context = SslProvider.builder().sslContext(spec).build().getSslContext();
        if (ticketKeys != null) {
            ticketKeys.applyTo(context);
        }
        return context;
    }

    /** Puts fresh session-ticket keys on every context when their rotation is due (called periodically). */
    public void rotateTicketKeys() {
        if (ticketKeys != null) {
            contexts.values().forEach(context -> ticketKeys.applyTo(context.current()));
        }
    }
}
