package dev.turnpike.config;

import dev.turnpike.l4.L4Settings;
import dev.turnpike.security.IpRange;
import dev.turnpike.security.SecuritySettings;
import dev.turnpike.tls.TlsSettings;
import jakarta.validation.constraints.NotBlank;
import dev.turnpike.upstream.UpstreamSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything under {@code turnpike.*}.
 *
 * @param upstreams named pools of backend servers; a route reaches one with {@code uri: lb://<name>}
 * @param trustedProxies addresses or CIDR blocks of proxies in front of the gateway, whose
 *        {@code X-Forwarded-For} and {@code Forwarded} headers are believed; from anyone else they are replaced
 * @param demo the built-in demo backends
 * @param l4 TCP and TLS-passthrough listeners
 * @param http limits of the HTTP listener that protect it from slow or oversized requests
 * @param security authenticators, identity headers, and gateway-wide blocking
 * @param management who may read and change the management endpoints
 * @param rateLimit where RateLimit buckets live when Redis is configured, and what happens when it is down
 * @param cache limits of the response cache used by ResponseCache routes
 * @param tls the HTTPS listener: certificates, protocols, HTTP/2, redirects from plain HTTP
 * @param reload how the gateway follows changes to its configuration files
 * @param shutdown what happens between a stop signal and the end of the process
 * @param warmup traffic the gateway sends through itself before it opens its ports
 */
@Validated
@ConfigurationProperties("turnpike")
public record TurnpikeProperties(
        @Valid @NotNull @DefaultValue
        Map<@Pattern(regexp = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?",
                message = "must be a lower-case host-name label (letters, digits, '-'), as it appears in lb://<name>")
                String, @Valid @NotNull UpstreamSettings> upstreams,
        @NotNull @DefaultValue List<IpRange> trustedProxies,
        @Valid @NotNull @DefaultValue Demo demo,
        @Valid @NotNull @DefaultValue L4Settings l4,
        @Valid @NotNull @DefaultValue Http http,
        @Valid @NotNull @DefaultValue SecuritySettings security,
        @Valid @NotNull @DefaultValue Management management,
        @Valid @NotNull @DefaultValue RateLimit rateLimit,
        @Valid @NotNull @DefaultValue Cache cache,
        @Valid @NotNull @DefaultValue TlsSettings tls,
        @Valid @NotNull @DefaultValue Reload reload,
        @Valid @NotNull @DefaultValue Shutdown shutdown,
        @Valid @NotNull @DefaultValue AccessLog accessLog,
        @Valid @NotNull @DefaultValue Warmup warmup) {

    /**
     * @param enabled before the listeners open, send requests and connections through the gateway's own HTTP,
     *        HTTPS and L4 paths to a loopback backend, so that the JIT compiler has compiled them before the first
     *        client arrives; start-up takes up to {@code duration} longer
     * @param duration the longest the warm-up runs; it ends sooner when the JIT compiler has caught up (spent under
     *        50 ms a second compiling for three seconds in a row)
     * @param concurrency connections the warm-up keeps busy at once on each path
     */
    public record Warmup(boolean enabled,
                         @NotNull @DefaultValue("60s") Duration duration,
                         @Min(1) @Max(64) @DefaultValue("2") int concurrency) {
    }

    /**
     * @param queue access log lines held for the thread that writes them; when it is four-fifths full (the
     *        console or file has stopped taking lines), further lines are dropped and counted
     */
    public record AccessLog(@Min(16) @Max(1_000_000) @DefaultValue("8192") int queue) {
    }

    /**
     * @param watch reload when a configuration file changes
     * @param interval how often the files are read for changes
     * @param quietPeriod a change is applied once the files have stayed the same this long (a burst of writes is one change)
     */
    public record Reload(@DefaultValue("true") boolean watch,
                         @NotNull @DefaultValue("1s") Duration interval,
                         @NotNull @DefaultValue("1s") Duration quietPeriod) {
    }

    /**
     * @param readinessDelay after a stop signal, how long readiness reports DOWN while traffic is still served, so
     *        that load balancers (a Kubernetes Service) stop sending new connections before the listeners close
     */
    public record Shutdown(@NotNull @DefaultValue("0s") Duration readinessDelay) {
    }

    /**
     * @param maxSize total bytes the cache may hold; beyond it the least valuable entries go
     * @param maxEntrySize a response larger than this streams through without being stored
     * @param coalesceTimeout how long concurrent misses for one key wait for its one backend request
     * @param storeSetCookie also store responses that carry Set-Cookie (off: one user's cookie would reach others)
     */
    public record Cache(@NotNull @DefaultValue("64MB") DataSize maxSize,
                        @NotNull @DefaultValue("1MB") DataSize maxEntrySize,
                        @NotNull @DefaultValue("5s") Duration coalesceTimeout,
                        boolean storeSetCookie) {
    }

    /**
     * @param redisFailure while Redis is unreachable: {@code local} (each instance limits on its own), {@code allow} or {@code deny} (503)
     * @param redisTimeout how long a request waits for Redis before the failure policy applies
     */
    public record RateLimit(@NotNull @DefaultValue("local") dev.turnpike.ratelimit.RedisFailure redisFailure,
                            @NotNull @DefaultValue("250ms") Duration redisTimeout) {
    }

    /**
     * @param users who may use the management endpoints beyond health and info; none: those endpoints are off
     * @param tokens bearer tokens for the same, kept here only as SHA-256 hashes
     */
    public record Management(@NotNull @DefaultValue List<@Valid @NotNull User> users,
                             @NotNull @DefaultValue List<@Valid @NotNull Token> tokens) {

        /**
         * @param name the user name
         * @param password an encoded password, such as {@code {bcrypt}$2a$10$...}
         * @param roles {@code read} (view everything) and/or {@code admin} (also change state)
         */
        public record User(@NotBlank String name,
                           @NotNull @Pattern(regexp = "\\{[a-z0-9]+}.+", message = "must be an encoded password such as {bcrypt}$2a$10$...") String password,
                           @NotEmpty List<@NotNull Role> roles) {
        }

        /**
         * @param name who holds the token (shown in logs)
         * @param sha256 the hex SHA-256 of the token
         * @param roles as for users
         */
        public record Token(@NotBlank String name,
                            @NotNull @Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be 64 hex digits (a SHA-256)") String sha256,
                            @NotEmpty List<@NotNull Role> roles) {
        }

        public enum Role { READ, ADMIN }
    }

    /**
     * @param maxBodySize the largest request body accepted, by Content-Length or counted as chunks arrive (413 above)
     * @param headerTimeout how long a client may take to send a request head (408 after it)
     * @param keepAliveTimeout how long an idle keep-alive connection waits for its next request
     * @param h2c also take HTTP/2 over plain TCP, by prior knowledge (clients that start with the HTTP/2 preface)
     * @param http2 limits of HTTP/2 connections, on the HTTPS listener and for h2c
     */
    public record Http(@NotNull @DefaultValue("10MB") DataSize maxBodySize,
                       @NotNull @DefaultValue("10s") Duration headerTimeout,
                       @NotNull @DefaultValue("60s") Duration keepAliveTimeout,
                       boolean h2c,
                       @Valid @NotNull @DefaultValue Http2 http2) {
    }

    /**
     * @param maxConcurrentStreams streams a client may have open at once; more are refused (REFUSED_STREAM)
     * @param maxHeaderListSize the largest decoded header list (431 above it; the connection is closed well above it)
     * @param maxResets stream resets a client may send per {@code resetWindow} before the connection is closed (rapid reset)
     * @param resetWindow the window resets are counted in
     */
    public record Http2(@Min(1) @Max(10000) @DefaultValue("128") long maxConcurrentStreams,
                        @NotNull @DefaultValue("16KB") DataSize maxHeaderListSize,
                        @Min(1) @DefaultValue("200") int maxResets,
                        @NotNull @DefaultValue("30s") Duration resetWindow) {
    }

    /**
     * @param enabled start the demo backends with the gateway
     * @param host the address they listen on
     * @param ports one backend per port
     */
    public record Demo(boolean enabled,
                       @NotNull @DefaultValue("127.0.0.1") String host,
                       @NotEmpty @DefaultValue({"9101", "9102"}) List<@Min(1) @Max(65535) Integer> ports) {
    }
}
