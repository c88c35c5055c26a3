package dev.turnpike.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.tls.TlsSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart, rendered by Helm itself (installed into target/tools by the build): it lints, renders every
 * option, its configuration is one the gateway starts with and becomes ready on, and its probes and ports are
 * the ones the gateway serves. The Dockerfile is checked against the build and the chart.
 */
class HelmChartTest {

    // surefire runs in target/
    private static final Path HELM = Path.of("tools/helm").toAbsolutePath();
    private static final Path CHART = Path.of("../helm/turnpike").toAbsolutePath().normalize();
    private static final Path FULL_VALUES = CHART.resolve("ci/full-values.yaml");
    private static final Path PROJECT = CHART.getParent().getParent();

    @TempDir
    Path directory;

    private static String helm(String... arguments) throws Exception {
        assertThat(HELM).as("Helm, installed by the build with scripts/install-helm.sh (it needs npm and the npm registry)")
                .isExecutable();
        List<String> command = new ArrayList<>();
        command.add(HELM.toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("helm %s:%n%s", String.join(" ", arguments), output).isZero();
        return output;
    }

    /** The rendered manifests by kind and name. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> render(String... values) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("template", "edge", CHART.toString()));
        for (String file : values) {
            arguments.add("-f");
            arguments.add(file);
        }
        Map<String, Map<String, Object>> manifests = new LinkedHashMap<>();
        for (Object document : new Yaml().loadAll(helm(arguments.toArray(String[]::new)))) {
            if (document instanceof Map<?, ?> manifest) {
                Map<String, Object> metadata = (Map<String, Object>) manifest.get("metadata");
                manifests.put(manifest.get("kind") + "/" + metadata.get("name"), (Map<String, Object>) manifest);
            }
        }
        return manifests;
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object node, Object... path) {
        Object current = node;
        for (Object step : path) {
            current = step instanceof Integer index ? ((List<Object>) current).get(index) : ((Map<String, Object>) current).get(step);
        }
        return (T) current;
    }

    private static Map<String, Object> container(Map<String, Map<String, Object>> manifests) {
        return at(manifests.get("Deployment/edge-turnpike"), "spec", "template", "spec", "containers", 0);
    }

    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        List<Map<String, Object>> variables = at(container, "env");
        for (Map<String, Object> variable : variables) {
            env.put((String) variable.get("name"), variable.get("value") == null ? null : String.valueOf(variable.get("value")));
        }
        return env;
    }

    private static int containerPort(Map<String, Object> container, String name) {
        List<Map<String, Object>> ports = at(container, "ports");
        return ports.stream().filter(port -> name.equals(port.get("name"))).mapToInt(port -> (Integer) port.get("containerPort"))
                .findFirst().orElseThrow(() -> new AssertionError("no container port " + name));
    }

    @Test
    void lintsWithTheDefaultValuesAndWithEveryOption() throws Exception {
        assertThat(helm("lint", CHART.toString())).contains("0 chart(s) failed");
        assertThat(helm("lint", CHART.toString(), "-f", FULL_VALUES.toString())).contains("0 chart(s) failed");
    }

    @Test
    void theDefaultConfigurationRunsAndTheProbesAndPortsAreTheGatewaysOwn() throws Exception {
        Map<String, Map<String, Object>> manifests = render();
        assertThat(manifests).containsKeys("ConfigMap/edge-turnpike", "Deployment/edge-turnpike", "Service/edge-turnpike",
                "Service/edge-turnpike-management", "ServiceAccount/edge-turnpike", "PodDisruptionBudget/edge-turnpike");
        Map<String, Object> container = container(manifests);
        Map<String, String> env = env(container);

        // the ports the chart opens are the gateway's defaults, and the env says so to the gateway too
        Map<String, Object> defaults = new Yaml().load(Files.readString(PROJECT.resolve("src/main/resources/application.yml")));
        assertThat(containerPort(container, "http")).isEqualTo((Integer) at(defaults, "server", "port"))
                .isEqualTo(Integer.parseInt(env.get("SERVER_PORT")));
        assertThat(containerPort(container, "management")).isEqualTo((Integer) at(defaults, "management", "server", "port"))
                .isEqualTo(Integer.parseInt(env.get("MANAGEMENT_SERVER_PORT")));
        TlsSettings tls = new Binder(new MapConfigurationPropertySource()).bindOrCreate("turnpike.tls", Bindable.of(TlsSettings.class));
        Map<String, Object> values = new Yaml().load(Files.readString(CHART.resolve("values.yaml")));
        assertThat((Integer) at(values, "ports", "https")).isEqualTo(tls.port());

        String probedLiveness = at(container, "livenessProbe", "httpGet", "path");
        String probedReadiness = at(container, "readinessProbe", "httpGet", "path");
        assertThat((String) at(container, "livenessProbe", "httpGet", "port")).isEqualTo("management");
        assertThat((String) at(container, "readinessProbe", "httpGet", "port")).isEqualTo("management");
        assertThat(env.get("SPRING_CONFIG_ADDITIONAL_LOCATION")).isEqualTo("optional:file:/config/");
        List<Map<String, Object>> mounts = at(container, "volumeMounts");
        assertThat(mounts).anySatisfy(mount -> assertThat(mount).containsEntry("name", "config").containsEntry("mountPath", "/config")
                .doesNotContainKey("subPath"));

        // the chart's configuration, as the pod reads it, starts the gateway, which becomes ready
        Path config = Files.createDirectories(directory.resolve("config"));
        Files.writeString(config.resolve("application.yml"), (String) at(manifests.get("ConfigMap/edge-turnpike"), "data", "application.yml"));
        try (Gateway gateway = Gateway.start(Map.of("spring.config.additional-location", "file:" + config + "/"))) {
            Gateway.await(Duration.ofSeconds(30), () -> gateway.managementAs(probedReadiness).statusCode() == 200, "ready");
            assertThat(gateway.managementAs(probedLiveness).statusCode()).isEqualTo(200);
            HttpResponse<String> demo = gateway.get("/demo/hello");
            assertThat(demo.statusCode()).isEqualTo(200);
            assertThat(demo.body()).startsWith("Name: demo-");
            // the L4 port the Service and the container open is the listener the gateway runs
            Map<String, Object> l4 = ((List<Map<String, Object>>) at(manifests.get("Service/edge-turnpike"), "spec", "ports"))
                    .stream().filter(port -> String.valueOf(port.get("name")).startsWith("l4-")).findFirst().orElseThrow();
            assertThat(containerPort(container, (String) l4.get("name"))).isEqualTo(l4.get("port"));
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), (Integer) l4.get("port"))) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("GET /tcp HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("Name: demo-");
            }
        }
    }

    @Test
    void everyOptionRendersAndItsConfigurationRuns() throws Exception {
        Map<String, Map<String, Object>> manifests = render(FULL_VALUES.toString());
        assertThat(manifests).containsKeys("HorizontalPodAutoscaler/edge-turnpike", "ServiceMonitor/edge-turnpike",
                "PodDisruptionBudget/edge-turnpike", "Secret/edge-turnpike-config", "ServiceAccount/edge-gateway");
        Map<String, Object> deployment = manifests.get("Deployment/edge-turnpike");
        assertThat((Object) at(deployment, "spec", "replicas")).as("the autoscaler owns the replica count").isNull();
        assertThat((Integer) at(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds")).isGreaterThan(10 + 60);
        Map<String, Object> container = container(manifests);
        assertThat((Boolean) at(container, "securityContext", "readOnlyRootFilesystem")).isTrue();
        assertThat((Boolean) at(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot")).isTrue();
        assertThat(env(container)).containsEntry("TURNPIKE_TLS_ENABLED", "true")
                .containsEntry("SPRING_DATA_REDIS_HOST", "redis.data.svc.cluster.local")
                .containsEntry("SPRING_CONFIG_ADDITIONAL_LOCATION", "optional:file:/config/,optional:file:/config-secret/");
        assertThat((String) at(manifests.get("ServiceMonitor/edge-turnpike"), "spec", "endpoints", 0, "path"))
                .isEqualTo("/actuator/prometheus");

        // every L4 listener of the configuration has its port on the container and on the Service
        String applicationYml = at(manifests.get("ConfigMap/edge-turnpike"), "data", "application.yml");
        List<Map<String, Object>> listeners = at(new Yaml().load(applicationYml), "turnpike", "l4", "listeners");
        List<Map<String, Object>> servicePorts = at(manifests.get("Service/edge-turnpike"), "spec", "ports");
        assertThat(servicePorts).extracting(port -> port.get("port")).contains(80, 443)
                .containsAll(listeners.stream().map(listener -> listener.get("port")).toList());
        List<Map<String, Object>> containerPorts = at(container, "ports");
        assertThat(containerPorts).extracting(port -> port.get("containerPort"))
                .containsAll(listeners.stream().map(listener -> listener.get("port")).toList());

        // the ConfigMap and the Secret, mounted as the pod mounts them, start the gateway
        Path config = Files.createDirectories(directory.resolve("config"));
        Path secret = Files.createDirectories(directory.resolve("config-secret"));
        Files.writeString(config.resolve("application.yml"), applicationYml);
        Files.writeString(secret.resolve("application.yml"), (String) at(manifests.get("Secret/edge-turnpike-config"),
                "stringData", "application.yml"));
        try (Gateway gateway = Gateway.start(Map.of("spring.config.additional-location",
                "file:" + config + "/,file:" + secret + "/"))) {
            Gateway.await(Duration.ofSeconds(30), () -> gateway.managementAs("/actuator/health/readiness").statusCode() == 200,
                    "ready");
            assertThat(gateway.upstreams().pool("orders")).isNotNull();
            String live = gateway.management("/actuator/turnpike").body();
            assertThat(live).contains("\"orders\"", "\"tls-passthrough\"");
        }
    }

    @Test
    void theDockerfileBuildsTheJarTheBuildMakesAndServesWhatTheChartExpects() throws Exception {
        String dockerfile = Files.readString(PROJECT.resolve("Dockerfile"));
        String pom = Files.readString(PROJECT.resolve("pom.xml"));
        assertThat(pom).contains("<finalName>turnpike</finalName>");
        assertThat(dockerfile).contains("target/turnpike.jar", "SPRING_CONFIG_ADDITIONAL_LOCATION=optional:file:/config/",
                "TURNPIKE_TLS_SELFSIGNED_DIRECTORY=/data/tls", "USER 10001:10001", "FROM eclipse-temurin:21-jre",
                "-XX:ArchiveClassesAtExit=turnpike.jsa -Dspring.context.exit=onRefresh -jar turnpike.jar",
                "\"-XX:SharedArchiveFile=turnpike.jsa\", \"-jar\", \"turnpike.jar\"");
        String exposed = dockerfile.lines().filter(line -> line.startsWith("EXPOSE")).findFirst().orElseThrow();
        assertThat(List.of(exposed.substring("EXPOSE".length()).trim().split("\\s+")))
                .containsExactlyInAnyOrder("8080", "8443", "8081", "9000");
        Map<String, Object> values = new Yaml().load(Files.readString(CHART.resolve("values.yaml")));
        assertThat((Integer) at(values, "demoConfig", "turnpike", "l4", "listeners", 0, "port")).isEqualTo(9000);
        assertThat((Integer) at(render(), "Deployment/edge-turnpike", "spec", "template", "spec", "securityContext", "runAsUser"))
                .isEqualTo(10001);
        assertThat(Files.readString(PROJECT.resolve(".dockerignore"))).contains("!src/", "!pom.xml");
    }
}
