package dev.turnpike.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;

/**
 * An exchange for a background request, with attributes of its own: the filters it runs through
 * must not leave their marks (the backend connection, the routed flag) on the client's exchange.
 */
final class DetachedExchange extends ServerWebExchangeDecorator {

    private final Map<String, Object> attributes;

    DetachedExchange(ServerWebExchange delegate) {
        super(delegate);
        this.attributes = new ConcurrentHashMap<>(delegate.getAttributes());
    }

    @Override
    public Map<String, Object> getAttributes() {
        return attributes;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getAttribute(String name) {
        return (T) attributes.get(name);
    }
}
