package dev.turnpike.l4;

import io.netty.channel.socket.SocketProtocolFamily;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The socket family for an address. Netty's native sockets are IPv6 unless told otherwise, and an IPv4
 * address on an IPv6 socket goes through the kernel's IPv4-mapped path on every connection.
 */
final class SocketFamily {

    private SocketFamily() {
    }

    static SocketProtocolFamily of(InetAddress address) {
        return address instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    }
}
