package dev.turnpike.actuate;

import dev.turnpike.cache.ResponseCacheStore;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.lang.Nullable;

/**
 * {@code DELETE /actuator/responsecache} purges the response cache: {@code ?url=http://host/path?q}
 * removes one URL (all its variants), {@code ?prefix=/path} every URL whose path starts there, on
 * any host, {@code ?route=<id>} everything a route stored. Needs the {@code admin} role.
 */
@Endpoint(id = "responsecache")
final class ResponseCacheEndpoint {

    private final ResponseCacheStore store;

    ResponseCacheEndpoint(ResponseCacheStore store) {
        this.store = store;
    }

    @DeleteOperation
    public Map<String, Object> purge(@Nullable String url, @Nullable String prefix, @Nullable String route) {
        int given = (url != null ? 1 : 0) + (prefix != null ? 1 : 0) + (route != null ? 1 : 0);
        if (given != 1) {
            throw new InvalidEndpointRequestException("give exactly one of url, prefix and route", "give exactly one of url, prefix and route");
        }
        int purged = url != null ? store.purgeUrl(url) : prefix != null ? store.purgePathPrefix(prefix) : store.purgeRoute(route);
        return Map.of("purged", purged);
    }
}
