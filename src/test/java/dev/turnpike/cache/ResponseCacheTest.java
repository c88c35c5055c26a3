package dev.turnpike.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The cache against a real backend that counts its requests per path. The backend answers with the
 * headers the query asks for: {@code cc} (Cache-Control), {@code vary}, {@code cookie}, {@code etag},
 * {@code size} (body bytes) and {@code delay} (ms).
 */
class ResponseCacheTest {

    private static final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
    private static DisposableServer backend;
    private static DisposableServer fragile;
    private static final java.util.Set<io.netty.channel.Channel> fragileConnections = ConcurrentHashMap.newKeySet();
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        backend = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> {
                    String path = request.uri();
                    int count = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                    Map<String, String> q = query(request.uri());
                    if (q.containsKey("cc")) {
                        response.header("Cache-Control", q.get("cc"));
                    }
                    if (q.containsKey("vary")) {
                        response.header("Vary", q.get("vary"));
                    }
                    if (q.containsKey("cookie")) {
                        response.header("Set-Cookie", "session=" + count);
                    }
                    if (q.containsKey("etag")) {
                        response.header("ETag", "\"" + q.get("etag") + "\"");
                    }
                    if (q.containsKey("etag") && ("\"" + q.get("etag") + "\"").equals(request.requestHeaders().get("If-None-Match"))) {
                        return response.status(304).send();
                    }
                    if (q.containsKey("fail") && failing.get()) {
                        return response.status(500).sendString(Mono.just("backend failure"));
                    }
                    String lang = request.requestHeaders().get("Accept-Language", "-");
                    String body = q.containsKey("size") ? "b".repeat(Integer.parseInt(q.get("size")))
                            : path + " #" + count + " lang=" + lang;
                    long delay = Long.parseLong(q.getOrDefault("delay", "0"));
                    return request.receive().then(Mono.delay(Duration.ofMillis(delay)))
                            .then(response.status(200).header("Content-Type", "text/plain").sendString(Mono.just(body)).then());
                })
                .bindNow();
        fragile = HttpServer.create().host("127.0.0.1").port(0)
                .doOnConnection(connection -> fragileConnections.add(connection.channel()))
                .handle((request, response) -> response.header("Cache-Control", "max-age=1")
                        .sendString(Mono.just("fragile #" + hits.computeIfAbsent("fragile", k -> new AtomicInteger()).incrementAndGet())))
                .bindNow();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("turnpike.upstreams.app.servers[0].address", "127.0.0.1:" + backend.port());
        p.put("turnpike.upstreams.fragile.servers[0].address", "127.0.0.1:" + fragile.port());
        p.put("turnpike.cache.max-entry-size", "4KB");
        p.put("turnpike.security.basic.ops.users[0].name", "alice");
        p.put("turnpike.security.basic.ops.users[0].password", "{bcrypt}" + new BCryptPasswordEncoder(4).encode("pw"));
        Gateway.route(p, 0, "private", "app", "/private/**", "ResponseCache", "Authenticate=ops");
        Gateway.route(p, 1, "defaulted", "app", "/defaulted/**", "ResponseCache=60s");
        Gateway.route(p, 2, "fragile", "fragile", "/fragile/**");
        p.put("spring.cloud.gateway.server.webflux.routes[2].filters[0].name", "ResponseCache");
        p.put("spring.cloud.gateway.server.webflux.routes[2].filters[0].args.stale-if-error", "60s");
        Gateway.route(p, 3, "cached", "app", "/**", "ResponseCache");
        gateway = Gateway.start(p);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.disposeNow();
        fragile.disposeNow();
    }

    private static Map<String, String> query(String uri) {
        Map<String, String> q = new LinkedHashMap<>();
        int mark = uri.indexOf('?');
        if (mark >= 0) {
            for (String pair : uri.substring(mark + 1).split("&")) {
                int eq = pair.indexOf('=');
                q.put(eq < 0 ? pair : pair.substring(0, eq),
                        eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    private static int backendHits(String pathAndQuery) {
        return hits.getOrDefault(pathAndQuery, new AtomicInteger()).get();
    }

    private static HttpResponse<String> get(String path, String... headers) {
        return gateway.get(path, headers);
    }

    private static String cache(HttpResponse<String> response) {
        return response.headers().firstValue("X-Cache").orElse("none");
    }

    @Test
    void aSecondGetIsAnsweredFromTheCacheWithItsAge() throws Exception {
        String path = "/one?cc=public,%20max-age=60";
        HttpResponse<String> first = get(path);
        Thread.sleep(1100);
        HttpResponse<String> second = get(path);
        assertThat(cache(first)).isEqualTo("MISS");
        assertThat(cache(second)).isEqualTo("HIT");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(Long.parseLong(second.headers().firstValue("Age").orElseThrow())).isGreaterThanOrEqualTo(1);
        assertThat(second.headers().firstValue("Cache-Control")).hasValue("public, max-age=60");
        assertThat(backendHits(path)).isEqualTo(1);
    }

    @Test
    void aHundredConcurrentMissesMakeOneBackendRequest() {
        String path = "/herd?cc=max-age=60&delay=300";
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            responses.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        List<String> bodies = responses.stream().map(CompletableFuture::join).map(HttpResponse::body).distinct().toList();
        assertThat(bodies).hasSize(1);
        assertThat(backendHits(path)).isEqualTo(1);
        assertThat(gateway.management("/actuator/prometheus").body()).contains("turnpike_cache_coalesced_total");
    }

    @Test
    void whatMustNotBeStoredGoesToTheBackendEachTime() {
        for (String path : List.of("/ns?cc=no-store", "/nn?cc=max-age=60,%20no-cache,%20no-store", "/pv?cc=private,%20max-age=60", "/ck?cc=max-age=60&cookie=1",
                "/nf?cc=no-cache", "/vs?cc=max-age=60&vary=*", "/plain")) {
            get(path);
            HttpResponse<String> second = get(path);
            assertThat(cache(second)).as(path).isEqualTo("MISS");
            assertThat(backendHits(path)).as(path).isEqualTo(2);
        }
    }

    @Test
    void rangeRequestsGoStraightThrough() {
        String path = "/range?cc=max-age=60";
        get(path);
        HttpResponse<String> ranged = get(path, "Range", "bytes=0-3");
        assertThat(cache(ranged)).isEqualTo("BYPASS");
        assertThat(backendHits(path)).isEqualTo(2);
    }

    @Test
    void authorizedRequestsAreStoredOnlyWhenTheResponseAllowsIt() {
        String plain = "/auth1?cc=max-age=60";
        get(plain, "Authorization", "Bearer x");
        get(plain, "Authorization", "Bearer x");
        assertThat(backendHits(plain)).isEqualTo(2);
        String shared = "/auth2?cc=public,%20max-age=60";
        get(shared, "Authorization", "Bearer x");
        assertThat(cache(get(shared, "Authorization", "Bearer x"))).isEqualTo("HIT");
        assertThat(backendHits(shared)).isEqualTo(1);
    }

    @Test
    void varySeparatesEntriesByTheNamedRequestHeaders() {
        String path = "/vary?cc=max-age=60&vary=Accept-Language";
        assertThat(get(path, "Accept-Language", "de").body()).contains("lang=de");
        assertThat(get(path, "Accept-Language", "fr").body()).contains("lang=fr");
        HttpResponse<String> again = get(path, "Accept-Language", "de");
        assertThat(again.body()).contains("lang=de");
        assertThat(cache(again)).isEqualTo("HIT");
        assertThat(backendHits(path)).isEqualTo(2);
    }

    @Test
    void anEntryExpires() throws Exception {
        String path = "/short?cc=max-age=1";
        get(path);
        assertThat(cache(get(path))).isEqualTo("HIT");
        Thread.sleep(1500);
        assertThat(cache(get(path))).isEqualTo("MISS");
        assertThat(backendHits(path)).isEqualTo(2);
    }

    @Test
    void headIsAnsweredFromTheGetEntry() throws Exception {
        String path = "/head?cc=max-age=60";
        String body = get(path).body();
        HttpResponse<Void> head = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(body.length()));
        assertThat(backendHits(path)).isEqualTo(1);
    }

    @Test
    void aBodyOverTheEntryLimitStreamsThroughIntactAndIsNotStored() {
        String path = "/big?cc=max-age=60&size=20000";
        assertThat(get(path).body()).hasSize(20000).matches("b+");
        assertThat(get(path).body()).hasSize(20000);
        assertThat(backendHits(path)).isEqualTo(2);
    }

    @Test
    void conditionalRequestsGet304FromAFreshEntry() {
        String path = "/tagged?cc=max-age=60&etag=v1";
        get(path);
        HttpResponse<String> conditional = get(path, "If-None-Match", "\"v1\"");
        assertThat(conditional.statusCode()).isEqualTo(304);
        assertThat(conditional.body()).isEmpty();
        assertThat(get(path, "If-None-Match", "\"v0\"").statusCode()).isEqualTo(200);
        assertThat(backendHits(path)).isEqualTo(1);
    }

    @Test
    void theClientCanAskForAFreshAnswer() {
        String path = "/fresh?cc=max-age=60";
        get(path);
        assertThat(cache(get(path, "Cache-Control", "no-cache"))).isEqualTo("MISS");
        assertThat(cache(get(path, "Cache-Control", "max-age=0"))).isEqualTo("MISS");
        assertThat(cache(get(path, "Cache-Control", "no-store"))).isEqualTo("BYPASS");
        assertThat(backendHits(path)).isEqualTo(4);
    }

    @Test
    void aRouteDefaultLifetimeAppliesOnlyWithoutFreshnessFromTheBackend() {
        get("/defaulted/a");
        assertThat(cache(get("/defaulted/a"))).isEqualTo("HIT");
        get("/defaulted/b?cc=max-age=0");
        assertThat(cache(get("/defaulted/b?cc=max-age=0"))).isEqualTo("MISS");
        assertThat(backendHits("/defaulted/a")).isEqualTo(1);
    }

    @Test
    void anUnsafeRequestInvalidatesTheEntry() throws Exception {
        String path = "/changing?cc=max-age=60";
        get(path);
        assertThat(cache(get(path))).isEqualTo("HIT");
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(cache(get(path))).isEqualTo("MISS");
    }

    @Test
    void theCacheNeverAnswersBeforeTheRoutesAuthentication() {
        String path = "/private/doc?cc=public,%20max-age=60";
        assertThat(get(path, "Authorization", Gateway.basic("alice", "pw")).statusCode()).isEqualTo(200);
        assertThat(cache(get(path, "Authorization", Gateway.basic("alice", "pw")))).isEqualTo("HIT");
        assertThat(get(path).statusCode()).isEqualTo(401);
        assertThat(backendHits(path)).isEqualTo(1);
    }

    @Test
    void staleWhileRevalidateAnswersAtOnceAndRefreshesOnce() throws Exception {
        String path = "/swr?cc=max-age=1,%20stale-while-revalidate=30";
        String first = get(path).body();
        Thread.sleep(1200);
        HttpResponse<String> stale = get(path);
        assertThat(cache(stale)).isEqualTo("STALE");
        assertThat(stale.body()).isEqualTo(first);
        Gateway.await(Duration.ofSeconds(5), () -> backendHits(path) == 2, "one background refresh");
        Gateway.await(Duration.ofSeconds(5), () -> cache(get(path)).equals("HIT"), "the refreshed entry");
        assertThat(get(path).body()).contains("#2");
        assertThat(backendHits(path)).isEqualTo(2);
    }

    @Test
    void aStaleEntryWithAnEtagIsRevalidatedAndA304RefreshesIt() throws Exception {
        String path = "/reval?cc=max-age=1&etag=v1";
        String first = get(path).body();
        Thread.sleep(1200);
        HttpResponse<String> revalidated = get(path);
        assertThat(revalidated.statusCode()).isEqualTo(200);
        assertThat(cache(revalidated)).isEqualTo("REVALIDATED");
        assertThat(revalidated.body()).isEqualTo(first);
        assertThat(revalidated.headers().firstValue("ETag")).hasValue("\"v1\"");
        assertThat(cache(get(path))).isEqualTo("HIT");
        assertThat(backendHits(path)).isEqualTo(2);
    }

    @Test
    void staleIfErrorServesTheStaleEntryWhenTheBackendFails() throws Exception {
        String path = "/sie?cc=max-age=1,%20stale-if-error=60&fail=1";
        String first = get(path).body();
        failing.set(true);
        try {
            Thread.sleep(1200);
            HttpResponse<String> stale = get(path);
            assertThat(stale.statusCode()).isEqualTo(200);
            assertThat(cache(stale)).isEqualTo("STALE");
            assertThat(stale.body()).isEqualTo(first);
        } finally {
            failing.set(false);
        }
    }

    @Test
    void aRoutesStaleIfErrorCoversABackendThatIsGone() throws Exception {
        String first = get("/fragile/page").body();
        assertThat(first).startsWith("fragile #");
        fragile.disposeNow();
        fragileConnections.forEach(io.netty.channel.Channel::close);
        Thread.sleep(1200);
        HttpResponse<String> stale = get("/fragile/page");
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(cache(stale)).isEqualTo("STALE");
        assertThat(stale.body()).isEqualTo(first);
    }

    private static int purge(String query, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.managementPort() + "/actuator/responsecache?" + query)).DELETE();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void anAdminPurgesOneUrlAPathPrefixOrARoute() throws Exception {
        String admin = Gateway.basic(Gateway.MANAGER, Gateway.MANAGER_PASSWORD);
        for (String path : List.of("/purge/a?cc=max-age=60", "/purge/b?cc=max-age=60", "/kept?cc=max-age=60", "/defaulted/p")) {
            get(path);
            assertThat(cache(get(path))).as(path).isEqualTo("HIT");
        }
        assertThat(purge("url=" + java.net.URLEncoder.encode("http://127.0.0.1:" + gateway.port() + "/purge/a?cc=max-age=60",
                java.nio.charset.StandardCharsets.UTF_8), null)).isEqualTo(401);
        assertThat(purge("url=" + java.net.URLEncoder.encode("http://127.0.0.1:" + gateway.port() + "/purge/a?cc=max-age=60",
                java.nio.charset.StandardCharsets.UTF_8), admin)).isEqualTo(200);
        assertThat(cache(get("/purge/a?cc=max-age=60"))).isEqualTo("MISS");
        assertThat(cache(get("/purge/b?cc=max-age=60"))).isEqualTo("HIT");
        assertThat(purge("prefix=/purge/", admin)).isEqualTo(200);
        assertThat(cache(get("/purge/b?cc=max-age=60"))).isEqualTo("MISS");
        assertThat(purge("route=defaulted", admin)).isEqualTo(200);
        assertThat(cache(get("/defaulted/p"))).isEqualTo("MISS");
        assertThat(cache(get("/kept?cc=max-age=60"))).isEqualTo("HIT");
        assertThat(purge("prefix=/x&route=cached", admin)).isEqualTo(400);
    }
}
