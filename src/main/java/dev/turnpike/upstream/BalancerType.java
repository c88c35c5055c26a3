package dev.turnpike.upstream;

/** How a pool picks a server; written in configuration in kebab case, {@code least-connections}. */
public enum BalancerType {
    ROUND_ROBIN, WEIGHTED, LEAST_CONNECTIONS, RANDOM_TWO, IP_HASH, CONSISTENT_HASH;

    public boolean usesHashKey() {
        return this == IP_HASH || this == CONSISTENT_HASH;
    }
}
