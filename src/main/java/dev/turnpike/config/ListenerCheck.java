package dev.turnpike.config;

import dev.turnpike.InvalidConfigurationException;
import dev.turnpike.l4.ListenerSettings;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Refuses L4 listeners that bind but could not work: a missing or unknown upstream, a name or port used twice. */
public final class ListenerCheck {

    private ListenerCheck() {
    }

    private static boolean overlap(ListenerSettings a, ListenerSettings b) {
        return a.port() == b.port() && (a.bind().equals(b.bind()) || isWildcard(a.bind()) || isWildcard(b.bind()));
    }

    private static boolean isWildcard(String address) {
        return address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]");
    }

    public static void check(List<ListenerSettings> listeners, Set<String> upstreams) {
        Set<String> names = new HashSet<>();
        List<ListenerSettings> bound = new java.util.ArrayList<>();
        for (int i = 0; i < listeners.size(); i++) {
            ListenerSettings listener = listeners.get(i);
            String key = "turnpike.l4.listeners[" + i + "]";
            if (!names.add(listener.name())) {
                throw new InvalidConfigurationException(key + ".name", "'" + listener.name() + "' is used by another listener");
            }
            // listeners share their port among event loops (SO_REUSEPORT), so the kernel would not refuse
            // a second listener on the same port: it is refused here, wildcard addresses included
            if (listener.port() != 0 && bound.stream().anyMatch(other -> overlap(other, listener))) {
                throw new InvalidConfigurationException(key + ".port", listener.port() + " is used by another listener");
            }
            bound.add(listener);
            if (listener.mode() == ListenerSettings.ListenerMode.TCP) {
                if (listener.upstream() == null) {
                    throw new InvalidConfigurationException(key + ".upstream", "a tcp listener needs an upstream");
                }
                if (!listener.sniRoutes().isEmpty() || listener.defaultUpstream() != null) {
                    throw new InvalidConfigurationException(key + ".mode",
                            "sni-routes and default-upstream need mode tls-passthrough");
                }
                known(key + ".upstream", listener.upstream(), upstreams);
            } else {
                if (listener.upstream() != null) {
                    throw new InvalidConfigurationException(key + ".upstream",
                            "a tls-passthrough listener routes by sni-routes and default-upstream, not upstream");
                }
                if (listener.sniRoutes().isEmpty() && listener.defaultUpstream() == null) {
                    throw new InvalidConfigurationException(key + ".sni-routes",
                            "a tls-passthrough listener needs sni-routes or a default-upstream");
                }
                for (int r = 0; r < listener.sniRoutes().size(); r++) {
                    known(key + ".sni-routes[" + r + "].upstream", listener.sniRoutes().get(r).upstream(), upstreams);
                }
                if (listener.defaultUpstream() != null) {
                    known(key + ".default-upstream", listener.defaultUpstream(), upstreams);
                }
            }
        }
    }

    private static void known(String key, String upstream, Set<String> upstreams) {
        if (!upstreams.contains(upstream)) {
            throw new InvalidConfigurationException(key, "names no upstream '" + upstream + "'; configured upstreams: "
                    + (upstreams.isEmpty() ? "none" : String.join(", ", upstreams.stream().sorted().toList())));
        }
    }
}
