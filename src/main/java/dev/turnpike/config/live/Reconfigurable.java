package dev.turnpike.config.live;

import dev.turnpike.config.TurnpikeProperties;
import java.util.List;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.route.RouteDefinition;

/**
 * A part of the gateway that takes new settings on a reload, in two steps: {@link #prepare} checks them
 * and builds what they need without changing anything, and {@link Prepared#commit()} puts them in use.
 */
public interface Reconfigurable {

    /** Throws {@link dev.turnpike.InvalidConfigurationException} naming the key when the settings cannot work. */
    Prepared prepare(TurnpikeProperties next, List<RouteDefinition> routes);

    interface Prepared {

        /** Filter factories as they will be after the commit, for checking the new routes with. */
        default List<GatewayFilterFactory<?>> filterFactories() {
            return List.of();
        }

        void commit();

        /** Releases what was built when the reload is refused after all. */
        default void abort() {
        }
    }

    /** A prepared step that only has something to put in use. */
    static Prepared committing(Runnable commit) {
        return commit::run;
    }
}
