package dev.turnpike.l4;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * One L4 listener, as written under {@code turnpike.l4.listeners[]}.
 *
 * @param name names the listener in metrics, logs and Actuator
 * @param port the TCP port it listens on (0 picks a free one)
 * @param bind the local address it listens on
 * @param mode {@code tcp} forwards bytes to {@code upstream}; {@code tls-passthrough} reads the ClientHello's
 *        server name, picks the upstream by {@code sni-routes}, and forwards the still-encrypted stream
 * @param upstream the pool a {@code tcp} listener forwards to
 * @param sniRoutes for {@code tls-passthrough}: server names and the pool each goes to, first match wins
 * @param defaultUpstream for {@code tls-passthrough}: the pool for a ClientHello with no server name or no match;
 *        absent, such a connection is closed
 * @param connectTimeout how long to wait for a backend to accept before trying the next server
 * @param idleTimeout a connection with no bytes in either direction for this long is closed
 * @param maxConnections connections held at once; a new one over it is closed at once (0: no limit)
 * @param sendProxyProtocol send a PROXY protocol header ({@code v1} or {@code v2}) to the backend first
 * @param acceptProxyProtocol expect a PROXY protocol header (v1 or v2) from the client, as the gateway sits
 *        behind another L4 balancer; its source address is the client address from then on
 * @param clientHello caps on what a {@code tls-passthrough} listener (and a PROXY header) may take to arrive
 */
public record ListenerSettings(
        @NotNull @Pattern(regexp = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?",
                message = "must be a lower-case name of letters, digits and '-'") String name,
        @Min(0) @Max(65535) int port,
        @NotNull @DefaultValue("0.0.0.0") String bind,
        @NotNull @DefaultValue("tcp") ListenerMode mode,
        String upstream,
        @NotNull @DefaultValue List<@Valid @NotNull SniRoute> sniRoutes,
        String defaultUpstream,
        @NotNull @DefaultValue("5s") Duration connectTimeout,
        @NotNull @DefaultValue("10m") Duration idleTimeout,
        @Min(0) @DefaultValue("10000") int maxConnections,
        @NotNull @DefaultValue("off") ProxyProtocol sendProxyProtocol,
        boolean acceptProxyProtocol,
        @Valid @NotNull @DefaultValue ClientHello clientHello) {

    /**
     * @param serverNames exact names ({@code api.example.com}) or leading wildcards ({@code *.example.com}, which
     *        matches any name below example.com but not example.com itself); case does not matter
     * @param upstream the pool these names go to
     */
    public record SniRoute(@NotEmpty List<@NotNull @Pattern(regexp = "(\\*\\.)?[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*",
            message = "must be a host name, optionally starting with '*.'") String> serverNames,
                           @NotNull String upstream) {
    }

    /**
     * @param maxBytes a ClientHello larger than this closes the connection
     * @param timeout a ClientHello (or PROXY header) not complete within this closes the connection
     */
    public record ClientHello(@NotNull @DefaultValue("16KB") DataSize maxBytes,
                              @NotNull @DefaultValue("10s") Duration timeout) {
    }

    public enum ListenerMode { TCP, TLS_PASSTHROUGH }

    public enum ProxyProtocol { OFF, V1, V2 }
}
