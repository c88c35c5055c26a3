package dev.turnpike.config.live;

import dev.turnpike.InvalidConfigurationException;
import dev.turnpike.config.RouteUpstreamCheck;
import java.time.Duration;
import java.util.List;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.handler.predicate.RoutePredicateFactory;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.route.RouteDefinitionRouteLocator;
import org.springframework.cloud.gateway.support.ConfigurationService;
import reactor.core.publisher.Flux;

/**
 * Builds each candidate route the way the gateway will, with the running predicate and filter
 * factories, so that an unknown predicate or filter or an argument that does not bind refuses the
 * reload instead of surfacing when the routes are swapped.
 */
public final class RouteValidator {

    private static final Duration LIMIT = Duration.ofSeconds(10);

    private final List<RoutePredicateFactory> predicates;
    private final List<GatewayFilterFactory> filters;
    private final ConfigurationService configuration;

    public RouteValidator(List<RoutePredicateFactory> predicates, List<GatewayFilterFactory> filters,
                          ConfigurationService configuration) {
        this.predicates = predicates;
        this.filters = filters;
        this.configuration = configuration;
    }

    /** @param replacements factories that stand in for the running ones of the same name */
    void check(List<RouteDefinition> routes, List<FilterDefinition> defaultFilters,
               List<GatewayFilterFactory<?>> replacements) {
        List<GatewayFilterFactory> factories = new java.util.ArrayList<>(filters.size());
        for (GatewayFilterFactory factory : filters) {
            GatewayFilterFactory chosen = factory;
            for (GatewayFilterFactory<?> replacement : replacements) {
                if (replacement.name().equals(factory.name())) {
                    chosen = replacement;
                }
            }
            factories.add(chosen);
        }
        GatewayProperties properties = new GatewayProperties();
        properties.setDefaultFilters(defaultFilters);
        properties.setFailOnRouteDefinitionError(true);
        for (int i = 0; i < routes.size(); i++) {
            RouteDefinition route = routes.get(i);
            try {
                new RouteDefinitionRouteLocator(() -> Flux.just(route), predicates, factories, properties, configuration)
                        .getRoutes().collectList().block(LIMIT);
            } catch (RuntimeException e) {
                throw new InvalidConfigurationException(RouteUpstreamCheck.ROUTES_KEY + "[" + i + "]",
                        "route '" + route.getId() + "': " + ReloadFailure.rootMessage(e));
            }
        }
    }
}
