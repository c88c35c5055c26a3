package dev.turnpike.upstream;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * TLS toward a pool's servers, as written under {@code turnpike.upstreams.<name>.tls}: either
 * {@code tls: true} or a block with these keys. Backend certificates are verified, host name
 * included, unless {@code insecure-skip-verify} says otherwise.
 *
 * @param enabled connect over TLS
 * @param trustBundle the SSL bundle whose trust store verifies backend certificates; the JDK's trusted authorities when absent
 * @param clientBundle the SSL bundle whose key store holds the certificate presented for mutual TLS
 * @param serverName the name sent as SNI and checked against the backend certificate; each server's host when absent
 * @param insecureSkipVerify accept any backend certificate (logged at start; for tests and migrations only)
 */
public record UpstreamTls(@DefaultValue("true") boolean enabled,
                          String trustBundle,
                          String clientBundle,
                          String serverName,
                          boolean insecureSkipVerify) {

    public static final UpstreamTls OFF = new UpstreamTls(false, null, null, null, false);
    public static final UpstreamTls ON = new UpstreamTls(true, null, null, null, false);
}
