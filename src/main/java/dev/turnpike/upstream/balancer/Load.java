package dev.turnpike.upstream.balancer;

import dev.turnpike.upstream.Server;

final class Load {

    private Load() {
    }

    /** Whether a carries less in-flight load per unit of weight than b. */
    static boolean lighter(Server a, Server b) {
        return (long) a.inFlight() * b.weight() < (long) b.inFlight() * a.weight();
    }
}
