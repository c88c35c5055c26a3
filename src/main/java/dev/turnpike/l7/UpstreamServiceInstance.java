package dev.turnpike.l7;

import dev.turnpike.upstream.Pool;
import dev.turnpike.upstream.Server;
import java.net.URI;
import java.util.Map;
import org.springframework.cloud.client.ServiceInstance;

/** A Turnpike server as Spring Cloud LoadBalancer sees it. */
record UpstreamServiceInstance(Pool pool, Server server) implements ServiceInstance {

    @Override
    public String getServiceId() {
        return pool.name();
    }

    @Override
    public String getHost() {
        return server.address().host();
    }

    @Override
    public int getPort() {
        return server.address().port();
    }

    @Override
    public boolean isSecure() {
        return pool.tls() != null;
    }

    @Override
    public URI getUri() {
        return URI.create((isSecure() ? "https://" : "http://") + server.address());
    }

    @Override
    public Map<String, String> getMetadata() {
        return Map.of();
    }
}
