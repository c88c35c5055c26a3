package dev.turnpike.security;

import java.util.List;

/** Allow and deny lists of address blocks; deny wins, and a non-empty allow list admits only its members. */
public record AddressRule(List<IpRange> allow, List<IpRange> deny) {

    public AddressRule {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    public boolean isEmpty() {
        return allow.isEmpty() && deny.isEmpty();
    }

    public boolean permits(String address) {
        for (IpRange range : deny) {
            if (range.contains(address)) {
                return false;
            }
        }
        if (allow.isEmpty()) {
            return true;
        }
        for (IpRange range : allow) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
