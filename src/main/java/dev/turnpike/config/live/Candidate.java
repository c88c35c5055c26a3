package dev.turnpike.config.live;

import dev.turnpike.config.TurnpikeProperties;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * A configuration read from the operator's files and bound, not yet checked against the running gateway.
 *
 * @param environment the environment it was read into: the process's own sources with freshly read files
 * @param turnpike everything under {@code turnpike.*}
 * @param routes the gateway routes
 * @param defaultFilters the filters every route gets first
 * @param files the files it was read from
 * @param revision a short hash of those files' names and contents
 * @param fileKeys every key the files set, for telling what changed
 */
record Candidate(ConfigurableEnvironment environment, TurnpikeProperties turnpike, List<RouteDefinition> routes,
                 List<org.springframework.cloud.gateway.filter.FilterDefinition> defaultFilters,
                 List<Path> files, String revision, Set<String> fileKeys) {
}
