package dev.turnpike.metrics;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.web.server.ServerWebExchange;

/** The id of the route an exchange matched, as metrics and keys name it: {@code none} before routing. */
public final class RouteTag {

    private RouteTag() {
    }

    public static String of(ServerWebExchange exchange) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        return route == null ? "none" : route.getId();
    }
}
