package dev.turnpike.l4;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.BeforeEach;

/** Every relay case again on epoll, the transport where io_uring is not allowed (as in many container runtimes). */
class TcpRelayOnEpollTest extends TcpRelayTest {

    @BeforeEach
    void onlyWhereAutoChoseIoUring() {
        assumeTrue(IoUring.isAvailable(), "without io_uring, TcpRelayTest already runs on epoll");
    }

    @Override
    String transport() {
        return "epoll";
    }

    @Override
    String expectedTransport() {
        return "epoll";
    }
}
