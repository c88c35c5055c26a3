package dev.turnpike.upstream;

import reactor.core.publisher.Mono;

/** One active check of one server; never errors, a failure is a result. */
public interface HealthProbe {
    Mono<Server.HealthCheckResult> probe(Server server);
}
