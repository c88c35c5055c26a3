package dev.turnpike.actuate;

import dev.turnpike.config.live.LiveConfiguration;
import dev.turnpike.config.live.ReloadFailure;
import dev.turnpike.l4.L4Listeners;
import dev.turnpike.l4.TcpListener;
import dev.turnpike.upstream.Pool;
import dev.turnpike.upstream.UpstreamRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.handler.predicate.PredicateDefinition;
import org.springframework.cloud.gateway.route.RouteDefinition;

/**
 * {@code /actuator/turnpike}: what is live. The configuration revision and when it was loaded, the last
 * reload attempt and its error, keys waiting for a restart, and the routes, upstreams and L4 listeners as
 * they run now, with secrets hidden. A POST reloads the configuration files (role admin).
 */
@Endpoint(id = "turnpike")
final class TurnpikeEndpoint {

    private final LiveConfiguration live;
    private final GatewayProperties gateway;
    private final UpstreamRegistry upstreams;
    private final L4Listeners listeners;

    TurnpikeEndpoint(LiveConfiguration live, GatewayProperties gateway, UpstreamRegistry upstreams, L4Listeners listeners) {
        this.live = live;
        this.gateway = gateway;
        this.upstreams = upstreams;
        this.listeners = listeners;
    }

    @ReadOperation
    public Map<String, Object> live() {
        Map<String, Object> view = new LinkedHashMap<>();
        LiveConfiguration.Loaded loaded = live.loaded();
        view.put("revision", loaded.revision());
        view.put("loadedAt", loaded.at().toString());
        view.put("files", loaded.files().stream().map(Object::toString).toList());
        view.put("pendingRestart", loaded.pendingRestart());
        LiveConfiguration.Attempt attempt = live.lastAttempt();
        if (attempt != null) {
            view.put("lastReload", attempt(attempt));
        }
        view.put("routes", routes());
        Map<String, Object> pools = new LinkedHashMap<>();
        for (Pool pool : upstreams.pools()) {
            pools.put(pool.name(), UpstreamsEndpoint.view(pool));
        }
        view.put("upstreams", pools);
        Map<String, Object> l4 = new LinkedHashMap<>();
        for (TcpListener listener : listeners.listeners()) {
            l4.put(listener.settings().name(), ListenersEndpoint.view(listener));
        }
        view.put("listeners", l4);
        return view;
    }

    /** Reads the configuration files again; 200 when applied or unchanged, 422 with the error when refused. */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> reload() {
        LiveConfiguration.Attempt attempt = live.reload("actuator").join();
        int status = attempt.result() == LiveConfiguration.Result.REJECTED ? 422 : 200;
        return new WebEndpointResponse<>(attempt(attempt), status);
    }

    private static Map<String, Object> attempt(LiveConfiguration.Attempt attempt) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("at", attempt.at().toString());
        view.put("trigger", attempt.trigger());
        view.put("result", PoolView.kebab(attempt.result()));
        if (attempt.revision() != null) {
            view.put("revision", attempt.revision());
        }
        ReloadFailure failure = attempt.failure();
        if (failure != null) {
            Map<String, Object> error = new LinkedHashMap<>();
            if (failure.location() != null) {
                error.put("location", failure.location());
            }
            if (failure.key() != null) {
                error.put("key", failure.key());
            }
            error.put("problem", failure.problem());
            view.put("error", error);
        }
        view.put("pendingRestart", attempt.pendingRestart());
        return view;
    }

    private List<Map<String, Object>> routes() {
        List<Map<String, Object>> routes = new ArrayList<>();
        for (RouteDefinition route : gateway.getRoutes()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", route.getId());
            view.put("order", route.getOrder());
            view.put("uri", Redaction.uri(String.valueOf(route.getUri())));
            view.put("predicates", route.getPredicates().stream().map(TurnpikeEndpoint::predicate).toList());
            view.put("filters", route.getFilters().stream().map(TurnpikeEndpoint::filter).toList());
            if (!route.getMetadata().isEmpty()) {
                Map<String, Object> metadata = new LinkedHashMap<>();
                route.getMetadata().forEach((key, value) ->
                        metadata.put(key, Redaction.isSensitive(key) ? Redaction.HIDDEN : value));
                view.put("metadata", metadata);
            }
            routes.add(view);
        }
        return routes;
    }

    private static Map<String, Object> predicate(PredicateDefinition predicate) {
        return Map.of("name", predicate.getName(), "args", Redaction.arguments(predicate.getArgs()));
    }

    private static Map<String, Object> filter(FilterDefinition filter) {
        return Map.of("name", filter.getName(), "args", Redaction.arguments(filter.getArgs()));
    }
}
