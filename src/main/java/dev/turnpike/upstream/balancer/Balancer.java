package dev.turnpike.upstream.balancer;

import dev.turnpike.upstream.Server;
import java.util.List;
import java.util.function.Predicate;

/**
 * Picks one server of a pool. Implementations keep only what their algorithm needs between picks,
 * are safe for concurrent use without locks, and allocate nothing per pick.
 */
public interface Balancer {

    /**
     * @param servers the pool's servers, in configuration order
     * @param eligible which of them may be picked now
     * @param request what the pick may depend on
     * @return an eligible server, or null when there is none
     */
    Server pick(List<Server> servers, Predicate<Server> eligible, PickRequest request);

    /** What a pick may look at. */
    interface PickRequest {
        /** The value a hash balancer hashes: a header or the client address. */
        String hashKey();
    }
}
