package dev.turnpike.security;

import java.net.InetSocketAddress;
import org.springframework.web.server.ServerWebExchange;

/** The real client address of an exchange, as the L7 side determined it (trusted proxies accounted for). */
public final class ClientAddress {

    /** The exchange attribute (String) that holds it. */
    public static final String ATTRIBUTE = "turnpike.clientAddress";

    private ClientAddress() {
    }

    public static String of(ServerWebExchange exchange) {
        String address = exchange.getAttribute(ATTRIBUTE);
        if (address != null) {
            return address;
        }
        InetSocketAddress peer = exchange.getRequest().getRemoteAddress();
        return peer == null || peer.getAddress() == null ? "" : peer.getAddress().getHostAddress();
    }
}
