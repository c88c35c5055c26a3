package dev.turnpike.security;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Shapes the headers sent to the backend, on every route: the identity headers and the headers
 * configured under {@code turnpike.security.headers.strip} are removed from what the client sent,
 * then, for an authenticated caller, the identity headers are set and the credential removed if
 * its authenticator says so. Working on the outgoing headers, not the request, spares a copy of
 * the request per call.
 */
public final class IdentityHeadersFilter implements HttpHeadersFilter, Ordered {

    private final SecuritySettings.IdentityHeaders names;
    private final List<String> identityHeaders;
    private final List<Pattern> stripped;
    private final Authenticators authenticators;

    public IdentityHeadersFilter(SecuritySettings settings, Authenticators authenticators) {
        this.names = settings.identityHeaders();
        this.identityHeaders = names.all();
        List<Pattern> strip = new ArrayList<>();
        settings.headers().strip().forEach(h -> strip.add(Pattern.compile(h, Pattern.CASE_INSENSITIVE)));
        this.stripped = List.copyOf(strip);
        this.authenticators = authenticators;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 1;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        Identity identity = exchange.getAttribute(AuthenticateGatewayFilterFactory.IDENTITY_ATTRIBUTE);
        if (identity == null && !carriesAny(input)) {
            return input;
        }
        HttpHeaders headers = withoutIdentityHeaders(input, exchange);
        if (!stripped.isEmpty()) {
            HeaderRule.strip(headers, stripped);
        }
        if (identity != null) {
            authenticators.get(identity.authenticator()).removeCredential(headers);
            headers.set(names.subject(), identity.subject() == null ? "" : identity.subject());
            headers.set(names.authenticator(), identity.authenticator());
            if (!identity.scopes().isEmpty()) {
                headers.set(names.scopes(), String.join(" ", identity.scopes()));
            }
        }
        return headers;
    }

    private boolean carriesAny(HttpHeaders headers) {
        for (String name : identityHeaders) {
            if (headers.containsHeader(name)) {
                return true;
            }
        }
        if (stripped.isEmpty()) {
            return false;
        }
        for (String name : headers.headerNames()) {
            for (Pattern pattern : stripped) {
                if (pattern.matcher(name).matches()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The headers without any identity header, changed in place when they are writable, else copied. */
    private HttpHeaders withoutIdentityHeaders(HttpHeaders input, ServerWebExchange exchange) {
        if (input != exchange.getRequest().getHeaders()) {
            try {
                identityHeaders.forEach(input::remove);
                return input;
            } catch (UnsupportedOperationException readOnly) {
                // fall through to a copy
            }
        }
        HttpHeaders copy = new HttpHeaders();
        copy.putAll(input);
        identityHeaders.forEach(copy::remove);
        return copy;
    }
}
