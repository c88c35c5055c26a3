package dev.turnpike.upstream;

import reactor.core.publisher.Mono;

/**
 * Opens connections to a server through the connection pool that live traffic uses, so that they
 * are established before a client needs them.
 */
public interface ConnectionWarmer {

    /**
     * Holds the pool's {@code warmup.connections} pooled connections to the server at once, then
     * returns them to the pool.
     *
     * @return how many were held
     */
    Mono<Integer> warm(Pool pool, Server server);

    ConnectionWarmer NONE = (pool, server) -> Mono.just(0);
}
