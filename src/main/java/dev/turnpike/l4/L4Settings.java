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
 * @param transport the event loops' I/O: {@code auto} (io_uring where the kernel allows it, else epoll),
 *        {@code io-uring} or {@code epoll}; read at start
 */
public record L4Settings(@NotNull @DefaultValue List<@Valid @NotNull ListenerSettings> listeners,
                         @NotNull @DefaultValue("30s") Duration drainTimeout,
                         @NotNull @DefaultValue("auto") Transport transport) {

    /** The event loops' I/O. */
    public enum Transport { AUTO, IO_URING, EPOLL }
}
