package dev.turnpike.security;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * API keys from a header or a query parameter. Only their SHA-256 hashes are configured; the
 * presented key's hash is compared with every configured one in constant time, so neither the
 * comparison nor the position of a match shows in the response time.
 */
final class ApiKeyAuthenticator implements Authenticator {

    private record Key(String client, byte[] sha256) {
    }

    private final String name;
    private final SecuritySettings.ApiKeys settings;
    private final List<Key> keys;

    ApiKeyAuthenticator(String name, SecuritySettings.ApiKeys settings) {
        this.name = name;
        this.settings = settings;
        this.keys = settings.keys().stream()
                .map(k -> new Key(k.client(), Sha256.parseHex(k.sha256())))
                .toList();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Mono<Verdict> authenticate(ServerHttpRequest request) {
        String presented = presentedKey(request);
        if (presented == null || presented.isEmpty()) {
            return Mono.just(Verdict.ABSENT);
        }
        byte[] hash = Sha256.of(presented);
        String client = null;
        for (Key key : keys) {
            if (Sha256.matches(hash, key.sha256()) && client == null) {
                client = key.client();
            }
        }
        return Mono.just(client == null ? new Verdict.Invalid("unknown API key")
                : new Verdict.Accepted(new Identity(name, client, Set.of(), Map.of())));
    }

    private String presentedKey(ServerHttpRequest request) {
        if (settings.queryParameter() != null) {
            String fromQuery = request.getQueryParams().getFirst(settings.queryParameter());
            if (fromQuery != null) {
                return fromQuery;
            }
        }
        return request.getHeaders().getFirst(settings.header());
    }

    @Override
    public String challenge(Verdict verdict) {
        return "ApiKey realm=\"" + name + "\", header=\"" + settings.header() + "\"";
    }

    @Override
    public void removeCredential(HttpHeaders headers) {
        if (settings.stripCredential()) {
            headers.remove(settings.header());
        }
    }

    @Override
    public ServerHttpRequest withoutCredentialInUri(ServerHttpRequest request) {
        if (!settings.stripCredential() || settings.queryParameter() == null
                || !request.getQueryParams().containsKey(settings.queryParameter())) {
            return request;
        }
        return request.mutate().uri(UriComponentsBuilder.fromUri(request.getURI())
                .replaceQueryParam(settings.queryParameter()).build(true).toUri()).build();
    }
}
