package dev.turnpike.l7;

import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.core.env.Environment;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_PREDICATE_ROUTE_ATTR;

/**
 * Spring Cloud Gateway's route lookup with a small look-ahead. The stock lookup tests routes through
 * {@code filterWhen} with Reactor's default buffer of 256 slots: every request allocates that array and,
 * once the first match ends the search, clears all 256 slots one by one. Routes come from a list
 * already in memory, so a look-ahead of a few routes costs nothing in ordering or latency.
 */
final class RouteLookup extends RoutePredicateHandlerMapping {

    /** Routes asked for at a time; the first match stops the search. */
    static final int LOOK_AHEAD = 8;

    private final RouteLocator routes;

    RouteLookup(FilteringWebHandler webHandler, RouteLocator routes, GlobalCorsProperties cors, Environment environment) {
        super(webHandler, routes, cors, environment);
        this.routes = routes;
    }

    @Override
    protected Mono<Route> lookupRoute(ServerWebExchange exchange) {
        return routes.getRoutes().filterWhen(route -> {
            exchange.getAttributes().put(GATEWAY_PREDICATE_ROUTE_ATTR, route.getId());
            try {
                return route.getPredicate().apply(exchange);
            } catch (RuntimeException e) {
                logger.error("Error applying predicate for route: " + route.getId(), e);
                return Mono.just(false);
            }
        }, LOOK_AHEAD).next().map(route -> {
            validateRoute(route, exchange);
            return route;
        });
    }

    @Override
    public String toString() {
        return "RouteLookup";
    }
}
