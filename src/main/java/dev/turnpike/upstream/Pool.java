package dev.turnpike.upstream;

import reactor.netty.tcp.SslProvider;
import dev.turnpike.upstream.balancer.Balancer;
import dev.turnpike.upstream.balancer.Balancers;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/** A named pool of servers with its balancer and health policy. */
public final class Pool {

    private static final Predicate<Server> AVAILABLE = Server::isAvailable;
    private static final Predicate<Server> ANY = server -> true;

    private final String name;
    private final UpstreamSettings settings;
    private final List<Server> servers;
    private final Balancer balancer;
    private final Server.Passive passive;
    private final SslProvider tls;

    /** @param tls TLS toward the servers, or null for plain connections */
    public Pool(String name, UpstreamSettings settings, SslProvider tls, Server.EjectionListener ejectionListener) {
        this(name, settings, tls, ejectionListener, null);
    }

    /**
     * @param previous the pool this one replaces on a reload, or null: servers it shares keep their
     *        state (health, in-flight counts), and a re-weighted one keeps its health
     */
    Pool(String name, UpstreamSettings settings, SslProvider tls, Server.EjectionListener ejectionListener, Pool previous) {
        this.name = name;
        this.tls = tls;
        this.settings = settings;
        this.servers = settings.servers().stream()
                .map(s -> carriedOver(previous, s))
                .toList();
        this.balancer = Balancers.create(settings.balancer(), servers);
        this.passive = new Server.Passive(settings.passive().maxFails(), settings.passive().failTimeout(),
                new StatusRanges(settings.passive().failOnStatuses()), ejectionListener);
    }

    private Server carriedOver(Pool previous, UpstreamSettings.Server configured) {
        if (previous != null) {
            for (Server server : previous.servers) {
                if (server.address().equals(configured.address())) {
                    return server.weight() == configured.weight() ? server : server.reweighted(configured.weight());
                }
            }
        }
        return new Server(name, configured.address(), configured.weight());
    }

    public String name() {
        return name;
    }

    /** TLS toward the servers, shared by requests, warm-up and health checks; null when plain. */
    public SslProvider tls() {
        return tls;
    }

    public UpstreamSettings settings() {
        return settings;
    }

    public List<Server> servers() {
        return servers;
    }

    public Server.Passive passive() {
        return passive;
    }

    /**
     * Picks a server, avoiding those already tried for this request while another available one
     * exists. With no server available, {@code try-all} picks among all of them and {@code fail}
     * returns null.
     */
    public Server choose(Balancer.PickRequest request, Collection<Server> tried) {
        Server server;
        if (tried.isEmpty()) {
            server = balancer.pick(servers, AVAILABLE, request);
        } else {
            server = balancer.pick(servers, s -> s.isAvailable() && !tried.contains(s), request);
            if (server == null) {
                server = balancer.pick(servers, AVAILABLE, request);
            }
        }
        if (server != null || settings.whenAllDown() == AllDownPolicy.FAIL) {
            return server;
        }
        if (!tried.isEmpty()) {
            server = balancer.pick(servers, s -> !tried.contains(s), request);
        }
        return server != null ? server : balancer.pick(servers, ANY, request);
    }

    /** True while at least one server is available. */
    public boolean isUp() {
        for (Server server : servers) {
            if (server.isAvailable()) {
                return true;
            }
        }
        return false;
    }

    /** True when no server is available and the pool spreads traffic over all of them anyway. */
    public boolean isPanicking() {
        return settings.whenAllDown() == AllDownPolicy.TRY_ALL && !isUp();
    }
}
