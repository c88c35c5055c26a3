package dev.turnpike.support;

import dev.turnpike.l4.L4Listeners;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;

/** Properties and helpers for gateways with L4 listeners. */
public final class L4Gateway {

    private L4Gateway() {
    }

    /** An upstream over the given backend addresses, with no active checks. */
    public static Map<String, Object> upstream(String name, String... addresses) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0; i < addresses.length; i++) {
            properties.put("turnpike.upstreams." + name + ".servers[" + i + "].address", addresses[i]);
        }
        return properties;
    }

    /** A tcp listener on a free port, at index {@code index} of {@code turnpike.l4.listeners}. */
    public static Map<String, Object> tcpListener(int index, String name, String upstream) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(key(index, "name"), name);
        properties.put(key(index, "port"), 0);
        properties.put(key(index, "bind"), "127.0.0.1");
        properties.put(key(index, "upstream"), upstream);
        return properties;
    }

    public static String key(int index, String setting) {
        return "turnpike.l4.listeners[" + index + "]." + setting;
    }

    public static int port(Gateway gateway, String listener) {
        return gateway.context().getBean(L4Listeners.class).port(listener);
    }

    public static Socket connect(Gateway gateway, String listener) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port(gateway, listener));
        socket.setSoTimeout(10_000);
        return socket;
    }
}
