package dev.turnpike.l4;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code turnpike.l4}.
 *
 * @param listeners TCP and TLS-passthrough listeners
 * @param drainTimeout on shutdown, how long established connections may keep flowing after the listeners close
 */
public record L4Settings(@NotNull @DefaultValue List<@Valid @NotNull ListenerSettings> listeners,
                         @NotNull @DefaultValue("30s") Duration drainTimeout) {
}
