package dev.turnpike.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
                .map(k -> new Key(k.client(), HexFormat.of().parseHex(k.sha256().toLowerCase(java.util.Locale.ROOT))))
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
        byte[] hash = sha256(presented);
        String client = null;
        for (Key key : keys) {
            if (MessageDigest.isEqual(hash, key.sha256()) && client == null) {
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
    public ServerHttpRequest.Builder withoutCredential(ServerHttpRequest request, ServerHttpRequest.Builder builder) {
        if (!settings.stripCredential()) {
            return builder;
        }
        builder.headers(headers -> headers.remove(settings.header()));
        if (settings.queryParameter() != null && request.getQueryParams().containsKey(settings.queryParameter())) {
            builder.uri(UriComponentsBuilder.fromUri(request.getURI()).replaceQueryParam(settings.queryParameter())
                    .build(true).toUri());
        }
        return builder;
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
