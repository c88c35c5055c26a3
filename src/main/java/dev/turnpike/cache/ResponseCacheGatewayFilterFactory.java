package dev.turnpike.cache;

import dev.turnpike.metrics.RouteTag;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@code ResponseCache[=<default ttl>]}: an RFC 9111 shared cache in front of the route's
 * backends. GET responses are stored as their headers allow and answer GET and HEAD; concurrent
 * misses for one key make one backend request; stale entries are served while a background
 * refresh runs ({@code stale-while-revalidate}) or when the backend fails ({@code stale-if-error},
 * or the route's own window), and revalidated with their validators; the client sees {@code Age}
 * and {@code X-Cache: HIT | MISS | STALE | REVALIDATED | BYPASS}. The default lifetime applies only
 * to responses that give no freshness information of their own. The filter runs after the route's security filters and
 * before the response is written, so it can keep a copy of what the backend sends.
 */
public class ResponseCacheGatewayFilterFactory extends AbstractGatewayFilterFactory<ResponseCacheGatewayFilterFactory.Config> {

    /** Just before Spring Cloud Gateway writes the backend's response, so the copy sees every byte. */
    public static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

    private static final Logger log = LoggerFactory.getLogger(ResponseCacheGatewayFilterFactory.class);

    private static final Set<String> NOT_STORED = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "age", "x-cache");

    public static class Config {

        private Duration defaultTtl;
        private Duration staleIfError = Duration.ZERO;

        public Duration getDefaultTtl() {
            return defaultTtl;
        }

        public void setDefaultTtl(Duration defaultTtl) {
            this.defaultTtl = defaultTtl;
        }

        public Duration getStaleIfError() {
            return staleIfError;
        }

        public void setStaleIfError(Duration staleIfError) {
            this.staleIfError = staleIfError;
        }
    }

    /** A route's own settings: the lifetime for responses without freshness, and how long to serve stale when the backend fails. */
    private record RouteRules(Duration defaultTtl, Duration staleIfError) {
    }

    private final ResponseCacheStore store;
    private volatile CacheSettings settings;
    private final CacheMetrics metrics;
    private final ConcurrentHashMap<String, Sinks.Empty<Void>> inFlight = new ConcurrentHashMap<>();

    /** Limits for responses from now on; the store's total size follows. */
    public void use(CacheSettings next) {
        this.settings = next;
        store.resize(next.maxSize().toBytes());
    }

    public ResponseCacheGatewayFilterFactory(ResponseCacheStore store, CacheSettings settings, CacheMetrics metrics) {
        super(Config.class);
        this.store = store;
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("defaultTtl", "staleIfError");
    }

    @Override
    public GatewayFilter apply(Config config) {
        RouteRules rules = new RouteRules(config.getDefaultTtl(), config.getStaleIfError());
        return new OrderedGatewayFilter((exchange, chain) -> filter(exchange, chain, rules), ORDER);
    }

    private Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain, RouteRules rules) {
        ServerHttpRequest request = exchange.getRequest();
        String route = RouteTag.of(exchange);
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
        Instant now = Instant.now();
        CachedResponse entry = store.get(key, request.getHeaders());
        if (answersFresh(entry, request, now)) {
            metrics.request(route, "hit");
            return serve(exchange, entry, "HIT");
        }
        if (entry != null && servableWhileRevalidating(request, entry, now)) {
            metrics.request(route, "stale");
            refreshInBackground(exchange, chain, key, rules, entry);
            return serve(exchange, entry, "STALE");
        }
        Sinks.Empty<Void> mine = Sinks.empty();
        Sinks.Empty<Void> leader = inFlight.putIfAbsent(key, mine);
        if (leader == null) {
            return fetch(exchange, chain, key, rules, entry)
                    .doFinally(signal -> {
                        inFlight.remove(key, mine);
                        mine.tryEmitEmpty();
                    });
        }
        metrics.coalesced(route);
        return leader.asMono()
                .timeout(settings.coalesceTimeout(), Mono.empty())
                .then(Mono.defer(() -> {
                    CachedResponse stored = store.get(key, request.getHeaders());
                    if (answersFresh(stored, request, Instant.now())) {
                        metrics.request(route, "hit");
                        return serve(exchange, stored, "HIT");
                    }
                    return fetch(exchange, chain, key, rules, stored);
                }));
    }

    private static boolean servableWhileRevalidating(ServerHttpRequest request, CachedResponse entry, Instant now) {
        if (entry.mustRevalidate() || entry.staleWhileRevalidate().isZero()) {
            return false;
        }
        CacheControl control = CacheControl.parse(request.getHeaders().get(HttpHeaders.CACHE_CONTROL));
        if (control.has("no-cache") || control.seconds("max-age") == 0) {
            return false;
        }
        return entry.staleness(now).compareTo(entry.staleWhileRevalidate()) <= 0;
    }

    private static boolean servableOnError(CachedResponse entry, RouteRules rules) {
        if (entry == null || entry.mustRevalidate()) {
            return false;
        }
        Duration allowed = entry.staleIfError().compareTo(rules.staleIfError()) > 0 ? entry.staleIfError() : rules.staleIfError();
        return entry.staleness(Instant.now()).compareTo(allowed) <= 0;
    }

    private static boolean answersFresh(CachedResponse entry, ServerHttpRequest request, Instant now) {
        return entry != null && entry.isFresh(now) && CachePolicy.acceptsStored(request, entry, now);
    }

    /**
     * Goes to the backend, streaming the answer to the client and storing a copy when the rules
     * allow. With a stale entry at hand, the request is made conditional on its validators; a 304
     * refreshes the entry and the client gets it whole, and a failure or a 5xx within the
     * stale-if-error window gets the stale entry instead.
     */
    private Mono<Void> fetch(ServerWebExchange exchange, GatewayFilterChain chain, String key, RouteRules rules,
                             CachedResponse stale) {
        String route = RouteTag.of(exchange);
        ServerHttpRequest request = exchange.getRequest();
        if (request.getMethod() == HttpMethod.HEAD) {
            metrics.request(route, "miss");
            exchange.getResponse().getHeaders().set("X-Cache", "MISS");
            return chain.filter(exchange);
        }
        Instant requestTime = Instant.now();
        boolean authorized = request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION);
        ServerHttpRequest forwarded = stale == null ? request : conditional(request, stale);
        boolean revalidating = forwarded != request;
        CapturingResponse capturing = new CapturingResponse(exchange.getResponse(), (int) settings.maxEntrySize().toBytes(),
                response -> {
                    HttpStatusCode status = response.getStatusCode();
                    if (revalidating && status != null && status.value() == 304) {
                        metrics.request(route, "revalidated");
                        return new CapturingResponse.Replace(() -> {
                            CachedResponse refreshed = refreshed(stale, response.getHeaders(), requestTime, authorized, rules);
                            store.put(route, key, varyNames(refreshed.headers()), request.getHeaders(), refreshed);
                            return serveInstead(exchange, refreshed, "REVALIDATED");
                        });
                    }
                    if (status != null && status.is5xxServerError() && servableOnError(stale, rules)) {
                        metrics.request(route, "stale");
                        return new CapturingResponse.Replace(() -> serveInstead(exchange, stale, "STALE"));
                    }
                    metrics.request(route, "miss");
                    response.getHeaders().set("X-Cache", "MISS");
                    Duration lifetime = status == null ? null : CachePolicy.storableLifetime(status, response.getHeaders(),
                            authorized, settings.storeSetCookie(), rules.defaultTtl(), requestTime);
                    return lifetime == null ? CapturingResponse.PASS
                            : new CapturingResponse.Keep(body -> store(route, key, request.getHeaders(), status,
                                    response.getHeaders(), requestTime, lifetime, body));
                });
        Mono<Void> forward = chain.filter(exchange.mutate().request(forwarded).response(capturing).build());
        if (stale == null) {
            return forward;
        }
        return forward.onErrorResume(error -> {
            if (exchange.getResponse().isCommitted() || !servableOnError(stale, rules)) {
                return Mono.error(error);
            }
            metrics.request(route, "stale");
            return serve(exchange, stale, "STALE");
        });
    }

    /**
     * Refreshes a stale entry off the request path: the backend is asked (conditionally, when the
     * entry has validators) through the rest of the route, into a response no client waits for.
     * One refresh per key at a time.
     */
    private void refreshInBackground(ServerWebExchange exchange, GatewayFilterChain chain, String key, RouteRules rules,
                                     CachedResponse stale) {
        Sinks.Empty<Void> mine = Sinks.empty();
        if (inFlight.putIfAbsent(key, mine) != null) {
            return;
        }
        ServerHttpRequest request = exchange.getRequest();
        Instant requestTime = Instant.now();
        boolean authorized = request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION);
        DetachedResponse detached = new DetachedResponse(exchange.getResponse().bufferFactory());
        ServerWebExchange background = new DetachedExchange(
                exchange.mutate().request(conditional(request, stale)).response(detached).build());
        chain.filter(background)
                .then(Mono.fromRunnable(() -> {
                    HttpStatusCode status = detached.getStatusCode();
                    if (status == null) {
                        return;
                    }
                    if (status.value() == 304) {
                        CachedResponse refreshed = refreshed(stale, detached.getHeaders(), requestTime, authorized, rules);
                        store.put(RouteTag.of(exchange), key, varyNames(refreshed.headers()), request.getHeaders(), refreshed);
                        return;
                    }
                    Duration lifetime = CachePolicy.storableLifetime(status, detached.getHeaders(), authorized,
                            settings.storeSetCookie(), rules.defaultTtl(), requestTime);
                    if (lifetime != null && detached.body().length <= settings.maxEntrySize().toBytes()) {
                        store(RouteTag.of(exchange), key, request.getHeaders(), status, detached.getHeaders(), requestTime, lifetime,
                                detached.body());
                    }
                }))
                .doFinally(signal -> {
                    inFlight.remove(key, mine);
                    mine.tryEmitEmpty();
                })
                .subscribe(null, error -> log.debug("background refresh of {} failed: {}", key, error.toString()));
    }

    /** The request with the stale entry's validators, unless the client sent conditions of its own. */
    private static ServerHttpRequest conditional(ServerHttpRequest request, CachedResponse stale) {
        HttpHeaders own = request.getHeaders();
        if (own.containsHeader(HttpHeaders.IF_NONE_MATCH) || own.containsHeader(HttpHeaders.IF_MODIFIED_SINCE)
                || (stale.etag() == null && stale.lastModified() == null)) {
            return request;
        }
        return request.mutate().headers(h -> {
            if (stale.etag() != null) {
                h.set(HttpHeaders.IF_NONE_MATCH, stale.etag());
            }
            if (stale.lastModified() != null) {
                h.set(HttpHeaders.IF_MODIFIED_SINCE, stale.lastModified());
            }
        }).build();
    }

    /** The stale entry brought up to date by a 304: its headers updated from the 304's, its age and lifetime new. */
    private CachedResponse refreshed(CachedResponse stale, HttpHeaders notModified, Instant requestTime, boolean authorized,
                                     RouteRules rules) {
        HttpHeaders headers = new HttpHeaders();
        headers.putAll(stale.headers());
        copyStorable(notModified, headers, Set.of("content-length", "content-type"));
        Instant responseTime = Instant.now();
        Duration lifetime = CachePolicy.storableLifetime(stale.status(), headers, authorized, settings.storeSetCookie(),
                rules.defaultTtl(), responseTime);
        return entry(stale.status(), headers, stale.body(), requestTime, responseTime, lifetime == null ? Duration.ZERO : lifetime);
    }

    private void store(String route, String key, HttpHeaders requestHeaders, HttpStatusCode status, HttpHeaders responseHeaders,
                       Instant requestTime, Duration lifetime, byte[] body) {
        HttpHeaders headers = new HttpHeaders();
        copyStorable(responseHeaders, headers, Set.of());
        CachedResponse entry = entry(status, headers, body, requestTime, Instant.now(), lifetime);
        store.put(route, key, varyNames(headers), requestHeaders, entry);
    }

    /** Copies the end-to-end headers a stored response keeps, less any named in {@code alsoSkip} (lower case). */
    private static void copyStorable(HttpHeaders from, HttpHeaders into, Set<String> alsoSkip) {
        from.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_STORED.contains(lower) && !alsoSkip.contains(lower)) {
                into.put(name, new ArrayList<>(values));
            }
        });
    }

    private static CachedResponse entry(HttpStatusCode status, HttpHeaders headers, byte[] body, Instant requestTime,
                                        Instant responseTime, Duration lifetime) {
        CacheControl control = CacheControl.parse(headers.get(HttpHeaders.CACHE_CONTROL));
        return new CachedResponse(status, headers, body, responseTime,
                CachePolicy.initialAge(headers, requestTime, responseTime), lifetime,
                CachePolicy.seconds(control, "stale-while-revalidate"), CachePolicy.seconds(control, "stale-if-error"),
                control.has("must-revalidate") || control.has("proxy-revalidate"));
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

    /** Answers from the entry in place of a backend response whose headers are already on the response. */
    private Mono<Void> serveInstead(ServerWebExchange exchange, CachedResponse entry, String outcome) {
        HttpHeaders headers = exchange.getResponse().getHeaders();
        for (String name : List.of(HttpHeaders.CONTENT_LENGTH, HttpHeaders.TRANSFER_ENCODING, HttpHeaders.CONTENT_TYPE,
                HttpHeaders.CONTENT_ENCODING, HttpHeaders.SET_COOKIE)) {
            headers.remove(name);
        }
        return serve(exchange, entry, outcome);
    }

    /** Answers from the entry: 304 to a matching conditional request, headers only to HEAD, else the whole response. */
    private Mono<Void> serve(ServerWebExchange exchange, CachedResponse entry, String outcome) {
        ServerHttpResponse response = exchange.getResponse();
        HttpHeaders headers = response.getHeaders();
        entry.headers().forEach((name, values) -> headers.put(name, new ArrayList<>(values)));
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
}
