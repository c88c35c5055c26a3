package dev.turnpike.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@code ResponseCache[=<default ttl>]}: an RFC 9111 shared cache in front of the route's
 * backends. GET responses are stored as their headers allow and answer GET and HEAD; concurrent
 * misses for one key make one backend request; the client sees {@code Age} and
 * {@code X-Cache: HIT | MISS | BYPASS}. The default lifetime applies only to responses that give
 * no freshness information of their own. The filter runs after the route's security filters and
 * before the response is written, so it can keep a copy of what the backend sends.
 */
public class ResponseCacheGatewayFilterFactory extends AbstractGatewayFilterFactory<ResponseCacheGatewayFilterFactory.Config> {

    /** Just before Spring Cloud Gateway writes the backend's response, so the copy sees every byte. */
    public static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

    private static final Set<String> NOT_STORED = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "age", "x-cache");

    public static class Config {

        private Duration defaultTtl;

        public Duration getDefaultTtl() {
            return defaultTtl;
        }

        public void setDefaultTtl(Duration defaultTtl) {
            this.defaultTtl = defaultTtl;
        }
    }

    private final ResponseCacheStore store;
    private final CacheSettings settings;
    private final CacheMetrics metrics;
    private final ConcurrentHashMap<String, Sinks.Empty<Void>> inFlight = new ConcurrentHashMap<>();

    public ResponseCacheGatewayFilterFactory(ResponseCacheStore store, CacheSettings settings, CacheMetrics metrics) {
        super(Config.class);
        this.store = store;
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("defaultTtl");
    }

    @Override
    public GatewayFilter apply(Config config) {
        Duration defaultTtl = config.getDefaultTtl();
        return new OrderedGatewayFilter((exchange, chain) -> filter(exchange, chain, defaultTtl), ORDER);
    }

    private Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain, Duration defaultTtl) {
        ServerHttpRequest request = exchange.getRequest();
        String route = routeId(exchange);
        if (!CachePolicy.cacheableRequest(request)) {
            exchange.getResponse().getHeaders().set("X-Cache", "BYPASS");
            metrics.request(route, "bypass");
            if (isUnsafe(request.getMethod())) {
                String key = primaryKey(request);
                return chain.filter(exchange).doOnSuccess(done -> {
                    if (exchange.getResponse().getStatusCode() != null && !exchange.getResponse().getStatusCode().isError()) {
                        store.invalidate(key);
                    }
                });
            }
            return chain.filter(exchange);
        }
        String key = primaryKey(request);
        CachedResponse hit = usable(key, request);
        if (hit != null) {
            metrics.request(route, "hit");
            return serve(exchange, hit, "HIT");
        }
        Sinks.Empty<Void> mine = Sinks.empty();
        Sinks.Empty<Void> leader = inFlight.putIfAbsent(key, mine);
        if (leader == null) {
            metrics.request(route, "miss");
            return fetch(exchange, chain, key, defaultTtl)
                    .doFinally(signal -> {
                        inFlight.remove(key, mine);
                        mine.tryEmitEmpty();
                    });
        }
        metrics.coalesced(route);
        return leader.asMono()
                .timeout(settings.coalesceTimeout(), Mono.empty())
                .then(Mono.defer(() -> {
                    CachedResponse stored = usable(key, request);
                    if (stored != null) {
                        metrics.request(route, "hit");
                        return serve(exchange, stored, "HIT");
                    }
                    metrics.request(route, "miss");
                    return fetch(exchange, chain, key, defaultTtl);
                }));
    }

    private CachedResponse usable(String key, ServerHttpRequest request) {
        CachedResponse entry = store.get(key, request.getHeaders());
        Instant now = Instant.now();
        return entry != null && entry.isFresh(now) && CachePolicy.acceptsStored(request, entry, now) ? entry : null;
    }

    /** Goes to the backend, streaming the answer to the client and storing a copy when the rules allow. */
    private Mono<Void> fetch(ServerWebExchange exchange, GatewayFilterChain chain, String key, Duration defaultTtl) {
        ServerHttpRequest request = exchange.getRequest();
        if (request.getMethod() == HttpMethod.HEAD) {
            exchange.getResponse().getHeaders().set("X-Cache", "MISS");
            return chain.filter(exchange);
        }
        Instant requestTime = Instant.now();
        boolean authorized = request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION);
        AtomicReference<Duration> lifetime = new AtomicReference<>();
        CapturingResponse capturing = new CapturingResponse(exchange.getResponse(), (int) settings.maxEntrySize().toBytes(),
                response -> {
                    response.getHeaders().set("X-Cache", "MISS");
                    if (response.getStatusCode() == null) {
                        return false;
                    }
                    lifetime.set(CachePolicy.storableLifetime(response.getStatusCode(), response.getHeaders(), authorized,
                            settings.storeSetCookie(), defaultTtl, requestTime));
                    return lifetime.get() != null;
                },
                body -> store(key, exchange, requestTime, lifetime.get(), body));
        return chain.filter(exchange.mutate().response(capturing).build());
    }

    private void store(String key, ServerWebExchange exchange, Instant requestTime, Duration lifetime, byte[] body) {
        ServerHttpResponse response = exchange.getResponse();
        Instant responseTime = Instant.now();
        HttpHeaders headers = new HttpHeaders();
        response.getHeaders().forEach((name, values) -> {
            if (!NOT_STORED.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, new ArrayList<>(values));
            }
        });
        CacheControl control = CacheControl.parse(headers.get(HttpHeaders.CACHE_CONTROL));
        CachedResponse entry = new CachedResponse(response.getStatusCode(), headers, body, responseTime,
                CachePolicy.initialAge(headers, requestTime, responseTime), lifetime,
                CachePolicy.seconds(control, "stale-while-revalidate"), CachePolicy.seconds(control, "stale-if-error"),
                control.has("must-revalidate") || control.has("proxy-revalidate"));
        store.put(key, varyNames(headers), exchange.getRequest().getHeaders(), entry);
    }

    private static List<String> varyNames(HttpHeaders headers) {
        List<String> names = new ArrayList<>();
        List<String> vary = headers.get(HttpHeaders.VARY);
        if (vary != null) {
            for (String line : vary) {
                for (String name : line.split(",")) {
                    if (!name.isBlank()) {
                        names.add(name.trim().toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return names;
    }

    /** Answers from the entry: 304 to a matching conditional request, headers only to HEAD, else the whole response. */
    private Mono<Void> serve(ServerWebExchange exchange, CachedResponse entry, String outcome) {
        ServerHttpResponse response = exchange.getResponse();
        HttpHeaders headers = response.getHeaders();
        headers.putAll(entry.headers());
        headers.set(HttpHeaders.AGE, Long.toString(entry.age(Instant.now()).getSeconds()));
        headers.set("X-Cache", outcome);
        if (notModified(exchange.getRequest(), entry)) {
            response.setStatusCode(HttpStatus.NOT_MODIFIED);
            headers.remove(HttpHeaders.CONTENT_LENGTH);
            return response.setComplete();
        }
        response.setStatusCode(entry.status());
        headers.setContentLength(entry.body().length);
        if (exchange.getRequest().getMethod() == HttpMethod.HEAD) {
            return response.setComplete();
        }
        return response.writeWith(Mono.just(response.bufferFactory().wrap(entry.body())));
    }

    private static boolean notModified(ServerHttpRequest request, CachedResponse entry) {
        List<String> ifNoneMatch = request.getHeaders().getIfNoneMatch();
        if (!ifNoneMatch.isEmpty()) {
            String etag = entry.etag();
            return etag != null && ifNoneMatch.stream().anyMatch(tag -> tag.equals("*") || weakMatch(tag, etag));
        }
        long since = request.getHeaders().getIfModifiedSince();
        String lastModified = entry.lastModified();
        if (since < 0 || lastModified == null) {
            return false;
        }
        return entry.headers().getLastModified() <= since;
    }

    private static boolean weakMatch(String a, String b) {
        return a.replaceFirst("^W/", "").equals(b.replaceFirst("^W/", ""));
    }

    private static boolean isUnsafe(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.DELETE || method == HttpMethod.PATCH;
    }

    /** Scheme, host, normalised path and query; the method does not count, so HEAD finds GET's entry. */
    static String primaryKey(ServerHttpRequest request) {
        java.net.URI uri = request.getURI();
        String host = request.getHeaders().getFirst(HttpHeaders.HOST);
        String query = uri.getRawQuery();
        return uri.getScheme() + "://" + (host == null ? "" : host.toLowerCase(Locale.ROOT)) + uri.getRawPath()
                + (query == null ? "" : "?" + query);
    }

    private static String routeId(ServerWebExchange exchange) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        return route == null ? "none" : route.getId();
    }
}
