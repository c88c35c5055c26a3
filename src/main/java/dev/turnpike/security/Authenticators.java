package dev.turnpike.security;

import dev.turnpike.InvalidConfigurationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** The named authenticators of {@code turnpike.security}, built once at start. */
public final class Authenticators implements AutoCloseable {

    private final Map<String, Authenticator> byName = new LinkedHashMap<>();
    private final Scheduler hashing = Schedulers.newBoundedElastic(
            Math.max(2, Runtime.getRuntime().availableProcessors()), 1000, "turnpike-password-hash");

    public Authenticators(SecuritySettings settings) {
        settings.jwt().forEach((name, jwt) -> add(name, () -> new JwtAuthenticator(name, jwt), "jwt"));
        settings.apiKeys().forEach((name, keys) -> add(name, () -> new ApiKeyAuthenticator(name, keys), "api-keys"));
        settings.basic().forEach((name, basic) -> add(name, () -> new BasicAuthenticator(name, basic, hashing), "basic"));
    }

    private void add(String name, java.util.function.Supplier<Authenticator> factory, String kind) {
        if (byName.containsKey(name)) {
            throw new InvalidConfigurationException("turnpike.security." + kind + "." + name,
                    "the name '" + name + "' is used by another authenticator; names are shared by jwt, api-keys and basic");
        }
        try {
            byName.put(name, factory.get());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("turnpike.security." + kind + "." + name, e.getMessage());
        }
    }

    public Authenticator get(String name) {
        return byName.get(name);
    }

    public Set<String> names() {
        return byName.keySet();
    }

    @Override
    public void close() {
        hashing.dispose();
    }
}
