package dev.turnpike.l4;

import io.netty.channel.Channel;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.Native;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Keeps a half-closed epoll socket in its event loop's epoll set while it still has bytes to write.
 *
 * <p>Netty 4.2's epoll transport takes a socket out of the epoll set once it waits for no event at all,
 * but keeps treating it as added, so the next wait for writability fails ({@code epoll_ctl} ENOENT) and
 * the channel shuts its output with bytes still queued. A socket whose peer has sent FIN reaches that state
 * as soon as it has nothing queued: reading and the peer-hangup event are over, and EPOLLOUT is only asked
 * for while writes are pending. Asking for EPOLLERR, which epoll reports whether asked or not, keeps the
 * interest set from ever being empty. Netty only offers this to subclasses, hence the method handle.
 */
final class EpollHalfClose {

    private static final MethodHandle SET_FLAG = setFlag();

    private EpollHalfClose() {
    }

    /** Called when the channel's input has ended; a no-op for transports other than epoll. */
    static void keepPolled(Channel channel) {
        if (channel instanceof AbstractEpollStreamChannel epoll && channel.isActive()) {
            try {
                SET_FLAG.invoke(epoll, Native.EPOLLERR);
            } catch (Throwable e) {
                channel.pipeline().fireExceptionCaught(e);
            }
        }
    }

    private static MethodHandle setFlag() {
        try {
            return MethodHandles.privateLookupIn(AbstractEpollStreamChannel.class, MethodHandles.lookup())
                    .findVirtual(AbstractEpollStreamChannel.class, "setFlag", MethodType.methodType(void.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Netty version has no AbstractEpollStreamChannel.setFlag(int)", e);
        }
    }
}
