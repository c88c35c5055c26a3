package dev.turnpike.l4;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Picks the upstream for a TLS server name: an exact name first, then the longest matching leading
 * wildcard ({@code *.example.com} matches names at any depth below example.com, as nginx's server names
 * do), then the default upstream.
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

    private final Map<String, String> exact = new HashMap<>();
    private final List<Map.Entry<String, String>> wildcards = new ArrayList<>();
    private final String defaultUpstream;

    SniRoutes(List<ListenerSettings.SniRoute> routes, String defaultUpstream) {
        for (ListenerSettings.SniRoute route : routes) {
            for (String name : route.serverNames()) {
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.startsWith("*.")) {
                    wildcards.add(Map.entry(lower.substring(1), route.upstream()));
                } else {
                    exact.putIfAbsent(lower, route.upstream());
                }
            }
        }
        wildcards.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
        this.defaultUpstream = defaultUpstream;
    }

    /** @param serverName lower-case, or null when the ClientHello had none */
    Decision route(String serverName) {
        if (serverName != null) {
            String upstream = exact.get(serverName);
            if (upstream != null) {
                return new Decision(upstream, SniResult.MATCHED);
            }
            for (Map.Entry<String, String> wildcard : wildcards) {
                if (serverName.endsWith(wildcard.getKey()) && serverName.length() > wildcard.getKey().length()) {
                    return new Decision(wildcard.getValue(), SniResult.MATCHED);
                }
            }
        }
        return defaultUpstream != null
                ? new Decision(defaultUpstream, SniResult.DEFAULT)
                : new Decision(null, SniResult.NO_MATCH);
    }
}
