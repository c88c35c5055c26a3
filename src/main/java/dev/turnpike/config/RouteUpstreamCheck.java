package dev.turnpike.config;

import dev.turnpike.InvalidConfigurationException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.route.RouteDefinition;

/** Refuses a route whose {@code lb://<name>} names no configured upstream. */
public final class RouteUpstreamCheck {

    public static final String ROUTES_KEY = GatewayProperties.PREFIX + ".routes";

    private RouteUpstreamCheck() {
    }

    public static void check(List<RouteDefinition> routes, Set<String> upstreams) {
        for (int i = 0; i < routes.size(); i++) {
            URI uri = routes.get(i).getUri();
            String name = lbName(uri);
            if (name != null && !upstreams.contains(name)) {
                throw new InvalidConfigurationException(ROUTES_KEY + "[" + i + "].uri",
                        "'" + uri + "' names no upstream '" + name + "'; configured upstreams: "
                                + (upstreams.isEmpty() ? "none" : String.join(", ", upstreams.stream().sorted().toList())));
            }
        }
    }

    /** The upstream name of {@code lb://name} or {@code lb:ws://name}, else null. */
    static String lbName(URI uri) {
        if (uri == null || !"lb".equalsIgnoreCase(uri.getScheme())) {
            return null;
        }
        URI target = uri.isOpaque() ? URI.create(uri.getSchemeSpecificPart()) : uri;
        String host = target.getHost();
        if (host == null) {
            return target.getAuthority() == null ? "" : target.getAuthority().toLowerCase(Locale.ROOT);
        }
        return host.toLowerCase(Locale.ROOT);
    }
}
