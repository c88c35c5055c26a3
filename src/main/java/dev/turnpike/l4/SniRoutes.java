package dev.turnpike.l4;

import dev.turnpike.tls.ServerNameTable;
import java.util.List;
import java.util.Locale;

/**
 * Picks the upstream for a TLS server name: an exact name first, then the longest matching leading
 * wildcard ({@link ServerNameTable}), then the default upstream.
 */
final class SniRoutes {

    /** Where a server name goes, and why; {@code upstream} is null when the connection is to be closed. */
    record Decision(String upstream, SniResult result) {
    }

    enum SniResult {
        MATCHED, DEFAULT, NO_MATCH;

        String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final ServerNameTable<String> upstreams;
    private final String defaultUpstream;

    SniRoutes(List<ListenerSettings.SniRoute> routes, String defaultUpstream) {
        ServerNameTable.Builder<String> table = ServerNameTable.builder();
        for (ListenerSettings.SniRoute route : routes) {
            for (String name : route.serverNames()) {
                table.add(name, route.upstream());
            }
        }
        this.upstreams = table.build();
        this.defaultUpstream = defaultUpstream;
    }

    /** @param serverName the ClientHello's server name, or null when it had none */
    Decision route(String serverName) {
        String upstream = upstreams.find(serverName);
        if (upstream != null) {
            return new Decision(upstream, SniResult.MATCHED);
        }
        return defaultUpstream != null
                ? new Decision(defaultUpstream, SniResult.DEFAULT)
                : new Decision(null, SniResult.NO_MATCH);
    }
}
