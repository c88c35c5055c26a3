package dev.turnpike.l7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.netty.Connection;

class LoopBoundConnectionExchangeTest {

    private final MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/"));
    private final ServerWebExchange proxied = new LoopBoundConnectionExchange(exchange);

    @Test
    void theBackendConnectionIsStoredBoundToItsEventLoopFromTheMomentItIsPut() {
        Connection backend = Connection.from(new EmbeddedChannel());

        proxied.getAttributes().put(CLIENT_RESPONSE_CONN_ATTR, backend);

        Object stored = exchange.getAttributes().get(CLIENT_RESPONSE_CONN_ATTR);
        assertThat(stored).isInstanceOf(LoopBoundConnection.class);
        assertThat(((Connection) stored).channel()).isSameAs(backend.channel());
    }

    @Test
    void anExchangeMutatedFromItStoresTheConnectionBoundToo() {
        Connection backend = Connection.from(new EmbeddedChannel());

        proxied.mutate().request(request -> request.header("x-a", "b")).build().getAttributes().put(CLIENT_RESPONSE_CONN_ATTR, backend);

        assertThat(exchange.getAttributes().get(CLIENT_RESPONSE_CONN_ATTR)).isInstanceOf(LoopBoundConnection.class);
    }

    @Test
    void aConnectionPutOnlyIfAbsentIsStoredBoundToo() {
        proxied.getAttributes().putIfAbsent(CLIENT_RESPONSE_CONN_ATTR, Connection.from(new EmbeddedChannel()));

        assertThat(exchange.getAttributes().get(CLIENT_RESPONSE_CONN_ATTR)).isInstanceOf(LoopBoundConnection.class);
    }

    @Test
    void everyOtherAttributeIsTheExchangesOwnBothWays() {
        proxied.getAttributes().put("written-through", "a");
        exchange.getAttributes().put("seen-through", "b");
        proxied.getAttributes().computeIfAbsent("computed", key -> "c");
        proxied.getAttributes().putIfAbsent("seen-through", "not this");

        assertThat(exchange.getAttributes()).containsEntry("written-through", "a").containsEntry("computed", "c");
        assertThat(proxied.<String>getAttribute("seen-through")).isEqualTo("b");
        assertThat(proxied.getAttributeOrDefault("absent", "fallback")).isEqualTo("fallback");

        proxied.getAttributes().remove("written-through");
        assertThat(exchange.getAttributes()).doesNotContainKey("written-through");
        assertThat(proxied.getAttributes()).isEqualTo(exchange.getAttributes());
    }
}
