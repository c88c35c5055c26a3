package dev.turnpike.tls;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The HTTPS listener, as written under {@code turnpike.tls}.
 *
 * @param enabled open the HTTPS listener beside the plain one
 * @param port its port
 * @param bind the address it listens on; all addresses when absent
 * @param bundle the Spring Boot SSL bundle ({@code spring.ssl.bundle.*}) holding the default certificate;
 *        absent: a self-signed certificate is generated for development
 * @param sni further certificates, each chosen when the ClientHello names one of its server names
 * @param protocols TLS versions offered: TLSv1.3 and TLSv1.2 only
 * @param ciphers TLS 1.2 cipher suites, in order of preference (TLS 1.3 suites are always on)
 * @param engine {@code auto} (OpenSSL through BoringSSL where its native library loads, else the JDK), {@code openssl} or {@code jdk}
 * @param http2 offer h2 through ALPN, falling back to HTTP/1.1
 * @param handshakeTimeout a client that has not finished its handshake by then is closed
 * @param redirectHttp answer plain-HTTP requests on every route with a redirect to HTTPS (per route: the HttpsRedirect filter)
 * @param redirectPort the port written into redirects; the HTTPS port when absent (set it when a load balancer maps ports)
 * @param selfSigned the development certificate used when no bundle is configured
 * @param sessionTickets let returning clients resume their session with a ticket instead of a full handshake
 * @param ticketKeyRotation how long one ticket key encrypts new tickets; it still opens them for one more period
 */
public record TlsSettings(
        boolean enabled,
        @Min(0) @Max(65535) @DefaultValue("8443") int port,
        String bind,
        String bundle,
        @NotNull @DefaultValue List<@Valid @NotNull SniCertificate> sni,
        @NotEmpty @DefaultValue({"TLSv1.3", "TLSv1.2"})
        List<@Pattern(regexp = "TLSv1\\.[23]", message = "must be TLSv1.2 or TLSv1.3; older versions are not offered") String> protocols,
        @NotEmpty @DefaultValue({
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"})
        List<@NotBlank String> ciphers,
        @NotNull @DefaultValue("auto") TlsEngine engine,
        @DefaultValue("true") boolean http2,
        @NotNull @DefaultValue("10s") Duration handshakeTimeout,
        boolean redirectHttp,
        @Min(1) @Max(65535) Integer redirectPort,
        @Valid @NotNull @DefaultValue SelfSigned selfSigned,
        @DefaultValue("true") boolean sessionTickets,
        @NotNull @DefaultValue("12h") Duration ticketKeyRotation) {

    /** These settings on a port of the system's choosing on the loopback address, without redirects. */
    public TlsSettings onLoopback() {
        return new TlsSettings(true, 0, "127.0.0.1", bundle, sni, protocols, ciphers, engine, http2, handshakeTimeout,
                false, null, selfSigned, sessionTickets, ticketKeyRotation);
    }

    /**
     * @param serverNames exact names ({@code api.example.com}) or leading wildcards ({@code *.example.com})
     * @param bundle the SSL bundle with the certificate for those names
     */
    public record SniCertificate(
            @NotEmpty List<@NotNull @Pattern(regexp = "(\\*\\.)?[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*",
                    message = "must be a host name, optionally starting with '*.'") String> serverNames,
            @NotBlank String bundle) {
    }

    /**
     * @param hostNames names the certificate is made for, besides localhost, 127.0.0.1 and ::1
     * @param directory where the key and certificate are kept (owner-only), and found again after a restart
     * @param validity how long a generated certificate is valid; it is made again when less than a tenth remains
     */
    public record SelfSigned(@NotNull @DefaultValue List<@NotBlank String> hostNames,
                             @NotNull @DefaultValue("data/tls") Path directory,
                             @NotNull @DefaultValue("365d") Duration validity) {
    }

    /** The port redirects point at. */
    public int publicPort() {
        return redirectPort != null ? redirectPort : port;
    }
}
