package dev.turnpike.tls;

import dev.turnpike.InvalidConfigurationException;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/** Which TLS implementation terminates connections. */
public enum TlsEngine {
    /** OpenSSL (BoringSSL, bundled for Linux x86-64) where its native library loads, else the JDK. */
    AUTO,
    /** OpenSSL only; the start fails when the native library cannot load. */
    OPENSSL,
    /** The JDK's own TLS. */
    JDK;

    /** Netty's provider for this engine. */
    public SslProvider nettyProvider() {
        return switch (this) {
            case JDK -> SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new InvalidConfigurationException("turnpike.tls.engine", "openssl is not available here: " + OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL;
            }
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        };
    }
}
