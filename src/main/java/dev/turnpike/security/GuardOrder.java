package dev.turnpike.security;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;

/**
 * Route filters that guard a route (authentication, access lists, header and method rules, rate
 * limits) run at one early order, before the response cache, which can answer without going
 * further down the chain. Among themselves they keep the order they are listed in.
 */
public final class GuardOrder {

    public static final int ORDER = -1000;

    private GuardOrder() {
    }

    public static GatewayFilter guard(GatewayFilter filter) {
        return new OrderedGatewayFilter(filter, ORDER);
    }
}
