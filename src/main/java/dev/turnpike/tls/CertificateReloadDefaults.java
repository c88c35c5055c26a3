package dev.turnpike.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns on Spring Boot's {@code reload-on-update} for the SSL bundles the HTTPS listener presents,
 * unless the operator set it: replacing a certificate's files is then enough. Only bundles whose
 * every store is a file on disk qualify (a classpath resource or inline PEM cannot be watched).
 */
public final class CertificateReloadDefaults implements EnvironmentPostProcessor {

    private static final String[][] STORE_KEYS = {
            {"pem", "keystore.certificate"}, {"pem", "keystore.private-key"}, {"pem", "truststore.certificate"},
            {"jks", "keystore.location"}, {"jks", "truststore.location"}};

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Binder binder = Binder.get(environment);
        if (!binder.bind("turnpike.tls.enabled", Boolean.class).orElse(false)) {
            return;
        }
        Set<String> names = new LinkedHashSet<>();
        binder.bind("turnpike.tls.bundle", String.class).ifBound(names::add);
        binder.bind("turnpike.tls.sni", Bindable.listOf(Map.class)).orElse(List.of())
                .forEach(sni -> { if (sni.get("bundle") != null) names.add(String.valueOf(sni.get("bundle"))); });
        Map<String, Object> defaults = new HashMap<>();
        for (String name : names) {
            for (String type : new String[] {"pem", "jks"}) {
                String prefix = "spring.ssl.bundle." + type + "." + name + ".";
                if (environment.containsProperty(prefix + "reload-on-update")) {
                    continue;
                }
                List<String> locations = new ArrayList<>();
                for (String[] key : STORE_KEYS) {
                    if (key[0].equals(type) && environment.getProperty(prefix + key[1]) != null) {
                        locations.add(environment.getProperty(prefix + key[1]));
                    }
                }
                if (!locations.isEmpty() && locations.stream().allMatch(CertificateReloadDefaults::isFile)) {
                    defaults.put(prefix + "reload-on-update", "true");
                }
            }
        }
        if (!defaults.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource("turnpikeCertificateReload", defaults));
        }
    }

    private static boolean isFile(String location) {
        if (location.contains("-----BEGIN") || location.startsWith("classpath:")) {
            return false;
        }
        String path = location.startsWith("file:") ? location.substring("file:".length()) : location;
        try {
            return Files.isRegularFile(Path.of(path));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
