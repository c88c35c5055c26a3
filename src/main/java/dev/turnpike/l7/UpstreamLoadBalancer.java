package dev.turnpike.l7;

import dev.turnpike.upstream.Pool;
import dev.turnpike.upstream.Server;
import dev.turnpike.upstream.UpstreamRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import reactor.core.publisher.Mono;

/**
 * Spring Cloud LoadBalancer's view of one Turnpike upstream: picks with the pool's balancer and
 * health, and remembers per request which servers were tried so that a retry lands elsewhere.
 */
final class UpstreamLoadBalancer implements ReactorServiceInstanceLoadBalancer {

    private final String name;
    private final UpstreamRegistry registry;

    UpstreamLoadBalancer(String name, UpstreamRegistry registry) {
        this.name = name;
        this.registry = registry;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Mono<Response<ServiceInstance>> choose(Request request) {
        Pool pool = registry.pool(name);
        if (pool == null) {
            return Mono.just(new EmptyResponse());
        }
        HttpHeaders headers;
        Map<String, Object> attributes;
        if (request.getContext() instanceof UpstreamRequestContext context) {
            headers = context.headers();
            attributes = context.attributes();
        } else if (request.getContext() instanceof RequestDataContext context && context.getClientRequest() != null) {
            headers = context.getClientRequest().getHeaders();
            attributes = context.getClientRequest().getAttributes();
        } else {
            headers = null;
            attributes = null;
        }
        List<Server> tried = triedServers(attributes);
        Server server = pool.choose(() -> hashKey(pool, headers, attributes), tried);
        if (server == null) {
            return Mono.just(new EmptyResponse());
        }
        tried.add(server);
        return Mono.just(new DefaultResponse(new UpstreamServiceInstance(pool, server)));
    }

    @SuppressWarnings("unchecked")
    private static List<Server> triedServers(Map<String, Object> attributes) {
        if (attributes == null) {
            return new ArrayList<>(1);
        }
        return (List<Server>) attributes.computeIfAbsent(ExchangeAttributes.TRIED_SERVERS, key -> new ArrayList<>(2));
    }

    /** The configured hash header when the request has it, else the client address. */
    private static String hashKey(Pool pool, HttpHeaders headers, Map<String, Object> attributes) {
        String header = pool.settings().hashHeader();
        if (header != null && headers != null) {
            String value = headers.getFirst(header);
            if (value != null) {
                return value;
            }
        }
        Object client = attributes == null ? null : attributes.get(ExchangeAttributes.CLIENT_ADDRESS);
        return client == null ? "" : client.toString();
    }
}
