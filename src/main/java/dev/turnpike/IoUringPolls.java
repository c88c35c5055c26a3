package dev.turnpike;

import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.context.ApplicationListener;

/**
 * Has Netty's io_uring transport wait for readable sockets with single-shot polls, for every io_uring loop of the
 * process: the L4 listeners' and the HTTP listeners'.
 *
 * <p>With its default multishot poll, a channel whose last read emptied the socket waits for the next wake-up of
 * that poll. A reset that arrived while those last bytes were being read, as when a client sends its close_notify
 * and resets the connection right behind it, wakes nothing more: the channel never learns its peer is gone, and an
 * L4 tunnel holds both sockets until its idle timeout. A single-shot poll is armed again after each read and reports
 * what is already there, the reset included. Netty reads the setting once, so it is set at the start of every
 * application run, before the context loads any transport; {@code -Dio.netty.iouring.pollAddMultishotEnabled} given
 * explicitly is left alone.
 */
public final class IoUringPolls implements ApplicationListener<ApplicationStartingEvent> {

    public static final String MULTISHOT = "io.netty.iouring.pollAddMultishotEnabled";

    @Override
    public void onApplicationEvent(ApplicationStartingEvent event) {
        singleShot();
    }

    /** For code that looks at Netty's io_uring classes before an application has started. */
    public static void singleShot() {
        if (System.getProperty(MULTISHOT) == null) {
            System.setProperty(MULTISHOT, "false");
        }
    }
}
