package dev.turnpike.l4;

import io.netty.channel.Channel;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.AttributeKey;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;

/**
 * Keeps writes moving to a half-closed io_uring socket that Netty would leave waiting for good.
 *
 * <p>When a socket is full, Netty 4.2's io_uring transport waits for it with a one-shot POLLOUT poll and reads
 * the completion's events to tell which wait ended. The kernel adds POLLRDHUP to every io_uring poll, so once
 * the peer has sent its FIN, a POLLOUT poll armed while the socket is full completes at once with POLLRDHUP
 * alone. Netty takes that for a hang-up, not for writability, and goes on believing a POLLOUT poll is armed:
 * it never writes to that socket again, and the bytes queued for it stay queued. A tunnel whose backend has
 * ended its side while the client still uploads more than the socket buffers hold stalls that way.
 *
 * <p>While such a channel stays unwritable, this hands it a POLLOUT completion of its own, after 1 ms and then
 * at doubling intervals up to 64 ms (back to 1 ms whenever bytes have moved): Netty writes again and, if the
 * socket is still full, polls again. Its handler for that completion is public; the registration it takes is
 * not, hence the method handle.
 */
final class IoUringHalfClose {

    private static final int POLLOUT = 0x004; // <poll.h>
    private static final byte IORING_OP_POLL_ADD = 6; // <linux/io_uring.h>
    private static final long FIRST_DELAY_MILLIS = 1;
    private static final long LONGEST_DELAY_MILLIS = 64;
    private static final AttributeKey<Boolean> NUDGING = AttributeKey.valueOf(IoUringHalfClose.class, "nudging");
    private static final MethodHandle REGISTRATION = registration();

    private IoUringHalfClose() {
    }

    /**
     * Called when the relay has stopped reading because this channel, whose peer has sent its FIN, cannot take
     * more; a no-op for transports other than io_uring.
     */
    static void keepWriting(Channel channel) {
        if (channel instanceof IoUringSocketChannel && channel.unsafe() instanceof IoUringIoHandle handle
                && channel.attr(NUDGING).setIfAbsent(Boolean.TRUE) == null) {
            nudgeLater(channel, handle, FIRST_DELAY_MILLIS, channel.bytesBeforeWritable());
        }
    }

    private static void nudgeLater(Channel channel, IoUringIoHandle handle, long delayMillis, long queuedBefore) {
        channel.eventLoop().schedule(() -> {
            if (!channel.isActive() || channel.isWritable()) {
                channel.attr(NUDGING).set(null);
                return;
            }
            long queued = channel.bytesBeforeWritable();
            try {
                handle.handle((IoRegistration) REGISTRATION.invoke(channel),
                        new IoUringIoEvent(POLLOUT, 0, IORING_OP_POLL_ADD, 0L));
            } catch (Throwable e) {
                channel.attr(NUDGING).set(null);
                channel.pipeline().fireExceptionCaught(e);
                return;
            }
            long next = queued < queuedBefore ? FIRST_DELAY_MILLIS : Math.min(delayMillis * 2, LONGEST_DELAY_MILLIS);
            nudgeLater(channel, handle, next, queued);
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    private static MethodHandle registration() {
        try {
            Class<?> channelClass = Class.forName("io.netty.channel.uring.AbstractIoUringChannel");
            return MethodHandles.privateLookupIn(channelClass, MethodHandles.lookup())
                    .findVirtual(channelClass, "registration", MethodType.methodType(IoRegistration.class))
                    .asType(MethodType.methodType(IoRegistration.class, Channel.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Netty version has no AbstractIoUringChannel.registration()", e);
        }
    }
}
