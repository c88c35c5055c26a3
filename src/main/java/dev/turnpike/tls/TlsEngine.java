package dev.turnpike.tls;

/** Which TLS implementation terminates connections. */
public enum TlsEngine {
    /** OpenSSL (BoringSSL, bundled for Linux x86-64) where its native library loads, else the JDK. */
    AUTO,
    /** OpenSSL only; the start fails when the native library cannot load. */
    OPENSSL,
    /** The JDK's own TLS. */
    JDK
}
