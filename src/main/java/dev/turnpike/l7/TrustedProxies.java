package dev.turnpike.l7;

import dev.turnpike.security.IpRange;
import java.net.InetSocketAddress;
import java.util.List;
import org.springframework.http.HttpHeaders;

/**
 * Who may tell the gateway the real client address. From a trusted peer, the client is the
 * right-most {@code X-Forwarded-For} entry that is not itself a trusted proxy; from anyone else
 * the peer is the client and its forwarding headers are ignored.
 */
public final class TrustedProxies {

    private volatile List<IpRange> ranges;

    public TrustedProxies(List<IpRange> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** Trusts these from now on. */
    public void use(List<IpRange> next) {
        this.ranges = List.copyOf(next);
    }

    public boolean isTrusted(String address) {
        for (IpRange range : this.ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    public boolean isTrusted(InetSocketAddress peer) {
        return peer != null && !this.ranges.isEmpty() && peer.getAddress() != null
                && isTrusted(peer.getAddress().getHostAddress());
    }

    /** The real client address of a request that arrived from {@code peer}. */
    public String clientAddress(InetSocketAddress peer, HttpHeaders headers) {
        String peerAddress = peerAddress(peer);
        if (!isTrusted(peer)) {
            return peerAddress;
        }
        List<String> forwardedFor = headers.getValuesAsList("X-Forwarded-For");
        for (int i = forwardedFor.size() - 1; i >= 0; i--) {
            String candidate = stripPort(forwardedFor.get(i).trim());
            if (!isTrusted(candidate)) {
                return io.netty.util.NetUtil.isValidIpV4Address(candidate)
                        || io.netty.util.NetUtil.isValidIpV6Address(candidate) ? candidate : peerAddress;
            }
        }
        return forwardedFor.isEmpty() ? peerAddress : stripPort(forwardedFor.get(0).trim());
    }

    static String peerAddress(InetSocketAddress peer) {
        if (peer == null) {
            return "";
        }
        return peer.getAddress() != null ? peer.getAddress().getHostAddress() : peer.getHostString();
    }

    private static String stripPort(String entry) {
        if (entry.startsWith("[")) {
            int end = entry.indexOf(']');
            return end > 0 ? entry.substring(1, end) : entry;
        }
        int colon = entry.indexOf(':');
        return colon > 0 && entry.indexOf(':', colon + 1) < 0 ? entry.substring(0, colon) : entry;
    }
}
