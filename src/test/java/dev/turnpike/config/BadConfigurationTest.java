package dev.turnpike.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnpike.TurnpikeApplication;
import dev.turnpike.support.Gateway;
import dev.turnpike.support.TestBackend;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Each bad configuration stops the start with one message that names the key and the problem. */
@ExtendWith(OutputCaptureExtension.class)
class BadConfigurationTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "spring.cloud.gateway.server.webflux.routes[0].uri | lb://nosuch | spring.cloud.gateway.server.webflux.routes[0].uri | names no upstream 'nosuch'",
            "turnpike.upstreams.web.servers[0].address | not-an-address | turnpike.upstreams.web.servers[0].address | is not host:port",
            "turnpike.upstreams.web.servers[0].address | 10.0.0.1:99999 | turnpike.upstreams.web.servers[0].address | outside 1-65535",
            "turnpike.upstreams.web.servers[0].weight | 0 | turnpike.upstreams.web.servers[0].weight | must be greater than or equal to 1",
            "turnpike.upstreams.web.balancer | fastest | turnpike.upstreams.web.balancer | fastest",
            "turnpike.upstreams.web.health-check.rise | 0 | turnpike.upstreams.web.health-check.rise | must be greater than or equal to 1",
            "turnpike.upstreams.web.health-check.fall | 0 | turnpike.upstreams.web.health-check.fall | must be greater than or equal to 1",
            "turnpike.upstreams.web.health-check.expected-statuses[0] | 2xx | turnpike.upstreams.web.health-check.expected-statuses[0] | must be a status or a range",
            "turnpike.trusted-proxies[0] | 10.0.0.0/33 | turnpike.trusted-proxies[0] | prefix length outside 0-32",
            "spring.cloud.gateway.server.webflux.routes[0].filters[0] | Authenticate=nosuch | spring.cloud.gateway.server.webflux.routes[0].filters[0] | names no authenticator 'nosuch'",
            "turnpike.security.jwt.main.secret | too-short | turnpike.security.jwt.main | at least 32 bytes",
            "turnpike.security.jwt.main.issuer | https://issuer.example | turnpike.security.jwt.main | set exactly one of secret, public-key and jwks-uri",
            "turnpike.security.jwt.main.public-key | not-a-pem | turnpike.security.jwt.main | not a PEM RSA or EC public key",
            "turnpike.security.clients.deny[0] | 10.0.0.0/40 | turnpike.security.clients.deny[0] | prefix length outside 0-32",
            "turnpike.management.users[0].password | plain-text | turnpike.management.users[0].password | must be an encoded password",
            "turnpike.rate-limit.redis-failure | maybe | turnpike.rate-limit.redis-failure | maybe",
    })
    void startupFailsNamingTheKey(String key, String value, String reportedKey, String problem, CapturedOutput output) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("turnpike.upstreams.web.servers[0].address", "127.0.0.1:9");
        properties.put("spring.cloud.gateway.server.webflux.routes[0].id", "web");
        properties.put("spring.cloud.gateway.server.webflux.routes[0].uri", "lb://web");
        properties.put("spring.cloud.gateway.server.webflux.routes[0].predicates[0]", "Path=/**");
        properties.put(key, value);
        assertStartFails(properties, output, reportedKey, problem);
    }

    /** Spring Cloud Gateway logs the failed route refresh with its stack first; the analysis then names the filter. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "RateLimit=0,0 | Invalid route filter RateLimit: rate and burst must be at least 1",
            "BlockHeaders=X-(,x,400 | Invalid route filter BlockHeaders: Unclosed group",
            "ClientAccess | Invalid route filter",
    })
    void aRouteFilterThatCannotWorkStopsTheStartNamingTheFilter(String filter, String problem, CapturedOutput output) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("turnpike.upstreams.web.servers[0].address", "127.0.0.1:9");
        Gateway.route(properties, 0, "web", "web", "/**", filter);
        if (filter.equals("ClientAccess")) {
            properties.remove("spring.cloud.gateway.server.webflux.routes[0].filters[0]");
            properties.put("spring.cloud.gateway.server.webflux.routes[0].filters[0].name", "ClientAccess");
            properties.put("spring.cloud.gateway.server.webflux.routes[0].filters[0].args.allow[0]", "10.0.0.0/99");
        }
        assertThatThrownBy(() -> new SpringApplicationBuilder(TurnpikeApplication.class)
                .run(Gateway.arguments(properties)).close()).isInstanceOf(Exception.class);
        assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START").contains(problem);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "turnpike.upstreams.Bad_Name.servers[0].address | must be a lower-case host-name label",
    })
    void upstreamNamesMustBeUsableInLbUris(String key, String problem, CapturedOutput output) {
        Map<String, Object> properties = Map.of(key, "127.0.0.1:9");
        assertThatThrownBy(() -> new SpringApplicationBuilder(TurnpikeApplication.class)
                .run(Gateway.arguments(properties)).close()).isInstanceOf(Exception.class);
        assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START").contains(problem);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "turnpike.l4.listeners[0].upstream | nosuch | turnpike.l4.listeners[0].upstream | names no upstream 'nosuch'",
            "turnpike.l4.listeners[0].port | 70000 | turnpike.l4.listeners[0].port | must be less than or equal to 65535",
            "turnpike.l4.listeners[0].mode | udp | turnpike.l4.listeners[0].mode | udp",
            "turnpike.l4.listeners[0].send-proxy-protocol | v3 | turnpike.l4.listeners[0].send-proxy-protocol | v3",
            "turnpike.l4.listeners[0].default-upstream | web | turnpike.l4.listeners[0].mode | need mode tls-passthrough",
            "turnpike.l4.listeners[0].name | Bad Name | turnpike.l4.listeners[0].name | must be a lower-case name",
            "turnpike.l4.listeners[1].name | t | turnpike.l4.listeners[1].name | is used by another listener",
    })
    void badListenersStopTheStartNamingTheKey(String key, String value, String reportedKey, String problem,
                                              CapturedOutput output) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("turnpike.upstreams.web.servers[0].address", "127.0.0.1:9");
        properties.put("turnpike.l4.listeners[0].name", "t");
        properties.put("turnpike.l4.listeners[0].port", 0);
        properties.put("turnpike.l4.listeners[0].upstream", "web");
        if (key.startsWith("turnpike.l4.listeners[1]")) {
            properties.put("turnpike.l4.listeners[1].port", 0);
            properties.put("turnpike.l4.listeners[1].upstream", "web");
        }
        properties.put(key, value);
        assertStartFails(properties, output, reportedKey, problem);
    }

    @Test
    void aListenerPortInUseStopsTheStartNamingTheKey(CapturedOutput output) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("turnpike.upstreams.web.servers[0].address", "127.0.0.1:9");
            properties.put("turnpike.l4.listeners[0].name", "t");
            properties.put("turnpike.l4.listeners[0].bind", "127.0.0.1");
            properties.put("turnpike.l4.listeners[0].port", taken.getLocalPort());
            properties.put("turnpike.l4.listeners[0].upstream", "web");
            assertStartFails(properties, output, "turnpike.l4.listeners[0].port",
                    "cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    /** Listeners share a port among event loops, so two listeners on one port are refused by the check, not the kernel. */
    @ParameterizedTest(name = "{0} and {1}")
    @CsvSource({"0.0.0.0, 127.0.0.1", "127.0.0.1, 0.0.0.0", "127.0.0.1, 127.0.0.1"})
    void twoListenersOnOnePortStopTheStart(String firstBind, String secondBind, CapturedOutput output) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("turnpike.upstreams.web.servers[0].address", "127.0.0.1:9");
        int port = TestBackend.closedPort();
        for (int i = 0; i < 2; i++) {
            properties.put("turnpike.l4.listeners[" + i + "].name", "t" + i);
            properties.put("turnpike.l4.listeners[" + i + "].bind", i == 0 ? firstBind : secondBind);
            properties.put("turnpike.l4.listeners[" + i + "].port", port);
            properties.put("turnpike.l4.listeners[" + i + "].upstream", "web");
        }
        assertStartFails(properties, output, "turnpike.l4.listeners[1].port", port + " is used by another listener");
    }

    /** The start fails with one report naming the key and the problem, and no stack trace of ours. */
    private static void assertStartFails(Map<String, Object> properties, CapturedOutput output, String key,
                                         String problem) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(TurnpikeApplication.class)
                .run(Gateway.arguments(properties)).close()).isInstanceOf(Exception.class);
        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains(key)
                .contains(problem)
                .doesNotContain("\tat dev.turnpike");
    }
}
