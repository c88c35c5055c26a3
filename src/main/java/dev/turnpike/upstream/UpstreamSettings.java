package dev.turnpike.upstream;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One pool of backend servers, as written under {@code turnpike.upstreams.<name>}.
 *
 * @param servers the backends
 * @param balancer how a server is picked per request or connection
 * @param hashHeader for the hash balancers: hash this request header instead of the client address
 * @param whenAllDown what to do when no server is available
 * @param healthCheck active checks, run off the request path
 * @param passive ejection on failures seen in real traffic
 * @param warmup connections opened ahead of the first request and kept open
 * @param tls TLS toward the servers ({@code tls: true}, or a block naming trust and client bundles); plain when absent
 */
public record UpstreamSettings(
        @NotEmpty List<@Valid @NotNull Server> servers,
        @NotNull @DefaultValue("round-robin") BalancerType balancer,
        String hashHeader,
        @NotNull @DefaultValue("try-all") AllDownPolicy whenAllDown,
        @Valid @NotNull @DefaultValue HealthCheck healthCheck,
        @Valid @NotNull @DefaultValue Passive passive,
        @Valid @NotNull @DefaultValue Warmup warmup,
        UpstreamTls tls) {

    /** The TLS settings, never null: off when none were given. */
    public UpstreamTls tlsOrOff() {
        return tls == null ? UpstreamTls.OFF : tls;
    }

    /** @param address {@code host:port} @param weight relative share, 1 to 1000 */
    public record Server(@NotNull ServerAddress address, @Min(1) @Max(1000) @DefaultValue("1") int weight) {
    }

    /**
     * @param type {@code http}, {@code tcp} or {@code none}
     * @param path the path an http check requests
     * @param interval time between checks of one server
     * @param timeout a check slower than this fails
     * @param rise consecutive passes that bring an unhealthy server back
     * @param fall consecutive failures that take a healthy server out
     * @param expectedStatuses statuses that pass an http check: codes ({@code 204}) or ranges ({@code 200-399})
     */
    public record HealthCheck(
            @NotNull @DefaultValue("none") HealthCheckType type,
            @NotNull @Pattern(regexp = "/.*", message = "must start with /") @DefaultValue("/") String path,
            @NotNull @DefaultValue("5s") Duration interval,
            @NotNull @DefaultValue("1s") Duration timeout,
            @Min(1) @DefaultValue("2") int rise,
            @Min(1) @DefaultValue("3") int fall,
            @NotEmpty @DefaultValue("200-399")
            List<@Pattern(regexp = "[1-5]\\d\\d(-[1-5]\\d\\d)?", message = "must be a status or a range like 200-399") String> expectedStatuses) {
    }

    /**
     * @param maxFails failures within {@code failTimeout} that eject a server; 0 turns passive checks off
     * @param failTimeout the window failures are counted in, and how long an ejected server stays out
     * @param failOnStatuses backend response statuses that count as failures, besides connect errors and timeouts
     */
    public record Passive(
            @Min(0) @DefaultValue("3") int maxFails,
            @NotNull @DefaultValue("10s") Duration failTimeout,
            @NotNull @DefaultValue({"502", "503", "504"})
            List<@Pattern(regexp = "[1-5]\\d\\d(-[1-5]\\d\\d)?", message = "must be a status or a range like 500-599") String> failOnStatuses) {
    }

    /**
     * @param connections keep-alive connections opened to each healthy server before the gateway is ready
     * @param refreshInterval how often the warm connections are used again, and reopened where they closed
     */
    public record Warmup(@Min(0) @Max(1024) @DefaultValue("0") int connections,
                         @NotNull @DefaultValue("20s") Duration refreshInterval) {
    }
}
