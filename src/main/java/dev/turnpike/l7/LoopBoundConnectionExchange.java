package dev.turnpike.l7;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import reactor.netty.Connection;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR;

/**
 * The exchange as Spring Cloud Gateway's proxying filter sees it: the backend connection that filter stores for
 * the response writer is stored as a {@link LoopBoundConnection} from the moment it is put, so the writer, which
 * may dispose it from the client's event loop at any time, never holds the bare connection. The attributes are
 * the exchange's own; only that one entry is stored wrapped.
 */
final class LoopBoundConnectionExchange extends ServerWebExchangeDecorator {

    private final Map<String, Object> attributes;

    LoopBoundConnectionExchange(ServerWebExchange exchange) {
        super(exchange);
        this.attributes = new Attributes(exchange.getAttributes());
    }

    @Override
    public Map<String, Object> getAttributes() {
        return attributes;
    }

    private static final class Attributes implements Map<String, Object> {

        private final Map<String, Object> stored;

        Attributes(Map<String, Object> stored) {
            this.stored = stored;
        }

        private static Object bound(String key, Object value) {
            if (CLIENT_RESPONSE_CONN_ATTR.equals(key) && value instanceof Connection connection
                    && !(value instanceof LoopBoundConnection)) {
                return new LoopBoundConnection(connection);
            }
            return value;
        }

        @Override
        public Object put(String key, Object value) {
            return stored.put(key, bound(key, value));
        }

        // the stored map's own, atomic where it is concurrent, rather than Map's defaults built of get and put
        @Override
        public Object putIfAbsent(String key, Object value) {
            return stored.putIfAbsent(key, bound(key, value));
        }

        @Override
        public Object computeIfAbsent(String key, Function<? super String, ?> compute) {
            return stored.computeIfAbsent(key, absent -> bound(absent, compute.apply(absent)));
        }

        @Override
        public Object getOrDefault(Object key, Object fallback) {
            return stored.getOrDefault(key, fallback);
        }

        @Override
        public void putAll(Map<? extends String, ?> entries) {
            entries.forEach(this::put);
        }

        @Override
        public int size() {
            return stored.size();
        }

        @Override
        public boolean isEmpty() {
            return stored.isEmpty();
        }

        @Override
        public boolean containsKey(Object key) {
            return stored.containsKey(key);
        }

        @Override
        public boolean containsValue(Object value) {
            return stored.containsValue(value);
        }

        @Override
        public Object get(Object key) {
            return stored.get(key);
        }

        @Override
        public Object remove(Object key) {
            return stored.remove(key);
        }

        @Override
        public void clear() {
            stored.clear();
        }

        @Override
        public Set<String> keySet() {
            return stored.keySet();
        }

        @Override
        public Collection<Object> values() {
            return stored.values();
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return stored.entrySet();
        }

        @Override
        public boolean equals(Object other) {
            return other == this || stored.equals(other);
        }

        @Override
        public int hashCode() {
            return stored.hashCode();
        }

        @Override
        public String toString() {
            return stored.toString();
        }
    }
}
