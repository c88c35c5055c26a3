package dev.turnpike.config;

import dev.turnpike.InvalidConfigurationException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.route.RouteDefinition;

/** Refuses, at start, a route filter that names something not configured. */
public final class RouteFilterCheck {

    private RouteFilterCheck() {
    }

    /** Every name given to an {@code Authenticate} filter must be a configured authenticator. */
    public static void checkAuthenticators(List<RouteDefinition> routes, Set<String> authenticators) {
        for (int r = 0; r < routes.size(); r++) {
            List<FilterDefinition> filters = routes.get(r).getFilters();
            for (int f = 0; f < filters.size(); f++) {
                FilterDefinition filter = filters.get(f);
                if (!filter.getName().equals("Authenticate")) {
                    continue;
                }
                for (Map.Entry<String, String> arg : filter.getArgs().entrySet()) {
                    if (!arg.getKey().startsWith("_genkey_") && !arg.getKey().startsWith("authenticators")) {
                        continue;
                    }
                    for (String name : arg.getValue().split(",")) {
                        if (!authenticators.contains(name.trim())) {
                            throw new InvalidConfigurationException(
                                    RouteUpstreamCheck.ROUTES_KEY + "[" + r + "].filters[" + f + "]",
                                    "Authenticate names no authenticator '" + name.trim() + "'; configured under turnpike.security: "
                                            + (authenticators.isEmpty() ? "none" : String.join(", ", authenticators.stream().sorted().toList())));
                        }
                    }
                }
            }
        }
    }
}
