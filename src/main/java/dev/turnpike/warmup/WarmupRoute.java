package dev.turnpike.warmup;

import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The route the start-up warm-up's HTTP requests take, to the warm-up pool: ahead of every configured
 * route, it matches only requests carrying this start's random token, and only while the warm-up runs.
 * It leaves the route table when the warm-up ends and the routes are refreshed.
 */
public final class WarmupRoute implements RouteLocator {

    static final String HEADER = "Turnpike-Warmup";

    private final String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private final Route route = Route.async()
            .id(StartupWarmup.NAME)
            .uri(URI.create("lb://" + StartupWarmup.NAME))
            .order(Ordered.HIGHEST_PRECEDENCE)
            .asyncPredicate(exchange -> Mono.just(isOpen() && token.equals(exchange.getRequest().getHeaders().getFirst(HEADER))))
            .build();
    private volatile boolean open;

    @Override
    public Flux<Route> getRoutes() {
        return open ? Flux.just(route) : Flux.empty();
    }

    boolean isOpen() {
        return open;
    }

    void open() {
        open = true;
    }

    void close() {
        open = false;
    }

    String token() {
        return token;
    }
}
