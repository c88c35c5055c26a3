package dev.turnpike.l7;

import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/** What {@link UpstreamLoadBalancer} reads of a gateway request: its headers and attributes. */
record UpstreamRequestContext(ServerWebExchange exchange) {

    HttpHeaders headers() {
        return exchange.getRequest().getHeaders();
    }

    java.util.Map<String, Object> attributes() {
        return exchange.getAttributes();
    }
}
