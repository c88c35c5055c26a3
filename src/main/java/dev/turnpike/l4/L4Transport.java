package dev.turnpike.l4;

import dev.turnpike.InvalidConfigurationException;
import dev.turnpike.IoUringPolls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.resources.LoopResources;

/**
 * The event loops and socket types of the L4 listeners and their backend connections.
 *
 * <p>On Linux the listeners get event loops of their own, one per core, each with its own listening socket
 * ({@link #socketPerLoop()}): a connection is accepted, joined to its backend and relayed on one thread, as
 * nginx and HAProxy do. Reactor Netty's loops number at least four even on one core, and a connection accepted
 * on one loop and handed to another costs a wake-up and a thread switch. Those loops run on io_uring where the
 * kernel allows it (it batches the many system calls of a short connection into few), else on epoll; elsewhere
 * the listeners use Reactor Netty's loops.
 */
final class L4Transport {

    private static final Logger log = LoggerFactory.getLogger(L4Transport.class);

    private final String name;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final Class<? extends SocketChannel> socketType;
    private final Class<? extends ServerSocketChannel> serverType;
    private final ReflectiveChannelFactory<? extends SocketChannel> sockets;
    private final ReflectiveChannelFactory<? extends ServerSocketChannel> serverSockets;
    private final DnsAddressResolverGroup resolver;
    private final boolean ownLoops;

    private L4Transport(String name, EventLoopGroup acceptors, EventLoopGroup workers,
                        Class<? extends SocketChannel> socketType, Class<? extends ServerSocketChannel> serverType,
                        Class<? extends DatagramChannel> datagramType, boolean ownLoops) {
        this.name = name;
        this.acceptors = acceptors;
        this.workers = workers;
        this.socketType = socketType;
        this.serverType = serverType;
        this.sockets = new ReflectiveChannelFactory<>(socketType);
        this.serverSockets = new ReflectiveChannelFactory<>(serverType);
        this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder().datagramChannelType(datagramType));
        this.ownLoops = ownLoops;
    }

    /**
     * The transport {@code choice} names; {@code auto} takes io_uring (when it polls single-shot, see
     * {@link IoUringPolls}), else epoll, else Reactor Netty's loops. A transport named outright that this machine
     * cannot run fails the start with the reason.
     */
    static L4Transport choose(L4Settings.Transport choice, LoopResources loops) {
        if (choice == L4Settings.Transport.IO_URING && !IoUring.isAvailable()) {
            throw new InvalidConfigurationException("turnpike.l4.transport",
                    "io_uring is not available here: " + IoUring.unavailabilityCause().getMessage());
        }
        if (choice == L4Settings.Transport.EPOLL && !Epoll.isAvailable()) {
            throw new InvalidConfigurationException("turnpike.l4.transport",
                    "epoll is not available here: " + Epoll.unavailabilityCause().getMessage());
        }
        boolean multishot = IoUring.isAvailable() && IoUring.isPollAddMultishotEnabled();
        if (choice == L4Settings.Transport.IO_URING && multishot) {
            throw new InvalidConfigurationException("turnpike.l4.transport", "io_uring runs with multishot polls here ("
                    + IoUringPolls.MULTISHOT + "), which lose resets that arrive behind a connection's last bytes");
        }
        if (choice == L4Settings.Transport.AUTO && multishot) {
            log.warn("l4: epoll instead of io_uring, which runs with multishot "
                    + "polls here ({}) and would lose resets that arrive behind a connection's last bytes", IoUringPolls.MULTISHOT);
        }
        if (choice != L4Settings.Transport.EPOLL && IoUring.isAvailable() && !multishot) {
            return own("io_uring", IoUringIoHandler.newFactory(), IoUringSocketChannel.class,
                    IoUringServerSocketChannel.class, IoUringDatagramChannel.class);
        }
        if (Epoll.isAvailable()) {
            return own("epoll", EpollIoHandler.newFactory(), EpollSocketChannel.class,
                    EpollServerSocketChannel.class, EpollDatagramChannel.class);
        }
        EventLoopGroup acceptors = loops.onServerSelect(false);
        EventLoopGroup workers = loops.onServer(false);
        return new L4Transport("Reactor Netty's event loops", acceptors, workers,
                loops.onChannelClass(SocketChannel.class, workers), loops.onChannelClass(ServerSocketChannel.class, workers),
                loops.onChannelClass(DatagramChannel.class, workers), false);
    }

    private static L4Transport own(String name, IoHandlerFactory handlers, Class<? extends SocketChannel> socketType,
                                   Class<? extends ServerSocketChannel> serverType,
                                   Class<? extends DatagramChannel> datagramType) {
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("turnpike-l4", true), handlers);
        return new L4Transport(name, loops, loops, socketType, serverType, datagramType, true);
    }

    /** For logs and Actuator: io_uring, epoll or Reactor Netty's event loops. */
    String name() {
        return name;
    }

    EventLoopGroup acceptors() {
        return acceptors;
    }

    EventLoopGroup workers() {
        return workers;
    }

    DnsAddressResolverGroup resolver() {
        return resolver;
    }

    /** Whether each event loop listens on a socket of its own ({@code SO_REUSEPORT}). */
    boolean socketPerLoop() {
        return ownLoops;
    }

    /**
     * A listening socket for {@code local}. On epoll it is of the address's own family: an IPv4 address
     * (0.0.0.0 by default) gets an IPv4 socket, the same connections as an IPv6 socket bound to the mapped
     * address would accept, without the IPv4-mapped path on each of them.
     */
    ServerSocketChannel newServerSocket(InetAddress local) {
        if (serverType == EpollServerSocketChannel.class && local != null) {
            return new EpollServerSocketChannel(SocketFamily.of(local));
        }
        return serverSockets.newChannel();
    }

    /** A socket to connect to {@code target} (null: a host name still to resolve); on epoll of its family. */
    SocketChannel newSocket(InetAddress target) {
        if (socketType == EpollSocketChannel.class && target != null) {
            return new EpollSocketChannel(SocketFamily.of(target));
        }
        return sockets.newChannel();
    }

    /** Closes the resolver, and the event loops when they are the listeners' own. */
    void close() {
        resolver.close();
        if (ownLoops) {
            workers.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS); // the quiet period lets io_uring finish closes in flight
        }
    }
}
