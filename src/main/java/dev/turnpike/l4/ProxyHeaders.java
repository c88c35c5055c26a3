package dev.turnpike.l4;

import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/** The PROXY protocol header that tells a backend who the client is. */
final class ProxyHeaders {

    private ProxyHeaders() {
    }

    static HAProxyMessage header(ListenerSettings.ProxyProtocol version, InetSocketAddress client,
                                 InetSocketAddress local) {
        HAProxyProtocolVersion protocolVersion = version == ListenerSettings.ProxyProtocol.V1
                ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2;
        boolean ipv4 = client.getAddress() instanceof Inet4Address && local.getAddress() instanceof Inet4Address;
        String source = client.getAddress().getHostAddress();
        String destination = local.getAddress().getHostAddress();
        if (!ipv4) {
            source = ipv6(client);
            destination = ipv6(local);
        }
        return new HAProxyMessage(protocolVersion, HAProxyCommand.PROXY,
                ipv4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                source, destination, client.getPort(), local.getPort());
    }

    /** A mixed IPv4/IPv6 pair is sent as IPv6, with the IPv4 side mapped ({@code ::ffff:a.b.c.d}). */
    private static String ipv6(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        if (address.getAddress() instanceof Inet4Address) {
            return "::ffff:" + host;
        }
        int scope = host.indexOf('%');
        return scope < 0 ? host : host.substring(0, scope);
    }
}
