package dev.turnpike.l7;

import dev.turnpike.upstream.Pool;
import dev.turnpike.upstream.Server;
import dev.turnpike.upstream.UpstreamRegistry;
import dev.turnpike.upstream.balancer.Balancer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
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
        RequestData requestData = request.getContext() instanceof RequestDataContext context
                ? context.getClientRequest() : null;
        List<Server> tried = triedServers(requestData);
        Server server = pool.choose(pickRequest(pool, requestData), tried);
        if (server == null) {
            return Mono.just(new EmptyResponse());
        }
        tried.add(server);
        return Mono.just(new DefaultResponse(new UpstreamServiceInstance(pool, server)));
    }

    @SuppressWarnings("unchecked")
    private static List<Server> triedServers(RequestData requestData) {
        if (requestData == null || requestData.getAttributes() == null) {
            return new ArrayList<>(1);
        }
        Map<String, Object> attributes = requestData.getAttributes();
        return (List<Server>) attributes.computeIfAbsent(ExchangeAttributes.TRIED_SERVERS, key -> new ArrayList<>(2));
    }

    private static Balancer.PickRequest pickRequest(Pool pool, RequestData requestData) {
        return () -> {
            if (requestData == null) {
                return "";
            }
            String header = pool.settings().hashHeader();
            if (header != null && requestData.getHeaders() != null) {
                String value = requestData.getHeaders().getFirst(header);
                if (value != null) {
                    return value;
                }
            }
            Object client = requestData.getAttributes() == null ? null
                    : requestData.getAttributes().get(ExchangeAttributes.CLIENT_ADDRESS);
            return client == null ? "" : client.toString();
        };
    }
}
