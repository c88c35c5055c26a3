package dev.turnpike.l4;

import dev.turnpike.InvalidConfigurationException;
import dev.turnpike.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.netty.resources.LoopResources;

/**
 * All L4 listeners, on the same Reactor Netty event loops (native epoll on Linux) as the HTTP side. They
 * open with the web server; on shutdown they stop accepting at once and give established connections up
 * to {@code turnpike.l4.drain-timeout} to finish.
 */
public final class L4Listeners implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(L4Listeners.class);

    private final L4Settings settings;
    private final UpstreamRegistry registry;
    private final LoopResources loops;
    private final MeterRegistry meters;
    private final List<TcpListener> listeners = new ArrayList<>();
    private DnsAddressResolverGroup resolver;
    private volatile boolean running;

    public L4Listeners(L4Settings settings, UpstreamRegistry registry, LoopResources loops, MeterRegistry meters) {
        this.settings = settings;
        this.registry = registry;
        this.loops = loops;
        this.meters = meters;
    }

    @Override
    public void start() {
        if (settings.listeners().isEmpty()) {
            running = true;
            return;
        }
        boolean preferNative = LoopResources.hasNativeSupport();
        EventLoopGroup acceptors = loops.onServerSelect(preferNative);
        EventLoopGroup workers = loops.onServer(preferNative);
        resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(loops.onChannelClass(DatagramChannel.class, workers)));
        Class<? extends SocketChannel> socketType = loops.onChannelClass(SocketChannel.class, workers);
        Class<? extends ServerSocketChannel> serverType = loops.onChannelClass(ServerSocketChannel.class, workers);
        for (int i = 0; i < settings.listeners().size(); i++) {
            ListenerSettings listenerSettings = settings.listeners().get(i);
            TcpListener listener = new TcpListener(listenerSettings, registry,
                    new BackendConnector(socketType, resolver, listenerSettings.connectTimeout()),
                    new ListenerStats(listenerSettings.name(), meters));
            try {
                listener.bind(acceptors, workers, serverType);
            } catch (IllegalStateException e) {
                listeners.forEach(TcpListener::closeListeningSocket);
                throw new InvalidConfigurationException("turnpike.l4.listeners[" + i + "].port", e.getMessage());
            }
            listeners.add(listener);
        }
        running = true;
    }

    @Override
    public void stop(Runnable callback) {
        running = false;
        listeners.forEach(TcpListener::closeListeningSocket);
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        ScheduledExecutorService waiter = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "l4-drain");
            thread.setDaemon(true);
            return thread;
        });
        waiter.scheduleWithFixedDelay(() -> {
            int open = listeners.stream().mapToInt(listener -> listener.stats().active()).sum();
            boolean late = System.nanoTime() - deadline > 0;
            if (open == 0 || late) {
                if (open > 0) {
                    log.warn("l4: closing {} connections still open after the {} drain timeout", open,
                            settings.drainTimeout());
                }
                listeners.forEach(TcpListener::closeConnections);
                if (resolver != null) {
                    resolver.close();
                }
                waiter.shutdown();
                callback.run();
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        stop(() -> { });
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** With the web server, after the upstream registry. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }

    public List<TcpListener> listeners() {
        return List.copyOf(listeners);
    }

    /** The port a listener is bound to. */
    public int port(String name) {
        return listeners.stream().filter(listener -> listener.settings().name().equals(name))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no listener " + name)).port();
    }
}
