package dev.turnpike.support;

import dev.turnpike.TurnpikeApplication;
import dev.turnpike.upstream.UpstreamRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The real gateway started in-process on free ports, with a plain HTTP client to talk to it. */
public final class Gateway implements AutoCloseable {

    /** A management user every test gateway has, with the roles read and admin. */
    public static final String MANAGER = "manager";
    public static final String MANAGER_PASSWORD = "manager-secret";
    private static final String MANAGER_PASSWORD_HASH =
            "{bcrypt}" + new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder(4).encode(MANAGER_PASSWORD);

    private final ConfigurableApplicationContext context;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Gateway(ConfigurableApplicationContext context) {
        this.context = context;
    }

    public static Gateway start(Map<String, Object> properties) {
        return new Gateway(new SpringApplicationBuilder(TurnpikeApplication.class).run(arguments(properties)));
    }

    /** The properties as command-line arguments, which outrank every configuration file. */
    public static String[] arguments(Map<String, Object> properties) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("server.port", 0);
        all.put("management.server.port", 0);
        all.put("turnpike.management.users[0].name", MANAGER);
        all.put("turnpike.management.users[0].password", MANAGER_PASSWORD_HASH);
        all.put("turnpike.management.users[0].roles", "read,admin");
        all.putAll(properties);
        return all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    /** Properties for one upstream with the given servers, and a route {@code /**} to it. */
    public static Map<String, Object> upstream(String name, TestBackend... backends) {
        return upstream(name, java.util.Arrays.stream(backends).map(TestBackend::address).toArray(String[]::new));
    }

    /** Properties for one upstream with servers at the given addresses, and a route {@code /**} to it. */
    public static Map<String, Object> upstream(String name, String... addresses) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0; i < addresses.length; i++) {
            properties.put("turnpike.upstreams." + name + ".servers[" + i + "].address", addresses[i]);
        }
        route(properties, 0, name, name, "/**");
        return properties;
    }

    /** Adds route {@code index}: {@code Path=<path>} to {@code lb://<upstream>}, with the given filters in order. */
    public static void route(Map<String, Object> properties, int index, String id, String upstream, String path,
                             String... filters) {
        String prefix = "spring.cloud.gateway.server.webflux.routes[" + index + "].";
        properties.put(prefix + "id", id);
        properties.put(prefix + "uri", "lb://" + upstream);
        properties.put(prefix + "predicates[0]", "Path=" + path);
        for (int i = 0; i < filters.length; i++) {
            properties.put(prefix + "filters[" + i + "]", filters[i]);
        }
    }

    public int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    /** The HTTPS listener's port. */
    public int tlsPort() {
        return context.getBean(dev.turnpike.tls.HttpsListener.class).port();
    }

    public int managementPort() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
    }

    public UpstreamRegistry upstreams() {
        return context.getBean(UpstreamRegistry.class);
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(port(), path, headers);
    }

    /** A GET to the management port as the test manager. */
    public HttpResponse<String> management(String path) {
        return send(managementPort(), path, "Authorization", basic(MANAGER, MANAGER_PASSWORD));
    }

    /**
     * The sum of the samples of {@code metric} in a Prometheus scrape that carry {@code label}, written as in the
     * scrape ({@code result="full"}).
     */
    public static double sampleSum(String scrape, String metric, String label) {
        return scrape.lines().filter(line -> line.startsWith(metric + "{") && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** A GET to the management port with the given headers only. */
    public HttpResponse<String> managementAs(String path, String... headers) {
        return send(managementPort(), path, headers);
    }

    public static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(int port, String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            dumpThreads(path);
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request that hangs is a bug worth a thread dump: it shows what an event loop was doing. */
    private static void dumpThreads(String path) {
        System.err.println("request to " + path + " timed out; threads:");
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            System.err.println("\"" + thread.getName() + "\" " + thread.getState());
            for (StackTraceElement frame : stack) {
                System.err.println("    at " + frame);
            }
        });
    }

    /** The backend's name: the first line of a TestBackend's answer. */
    public static String backendOf(HttpResponse<String> response) {
        return response.body().lines().findFirst().orElse("");
    }

    public static void await(Duration limit, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
