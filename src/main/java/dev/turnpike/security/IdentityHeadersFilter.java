package dev.turnpike.security;

import dev.turnpike.l7.OutgoingHeaders;
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

    /** Everything this filter works with, replaced whole by a reload. */
    public record Rules(SecuritySettings.IdentityHeaders names, List<String> identityHeaders, List<Pattern> stripped,
                        Authenticators authenticators) {

        /** Throws IllegalArgumentException for a strip pattern that is not a regular expression. */
        public static Rules of(SecuritySettings settings, Authenticators authenticators) {
            List<Pattern> strip = new ArrayList<>();
            settings.headers().strip().forEach(h -> strip.add(Pattern.compile(h, Pattern.CASE_INSENSITIVE)));
            return new Rules(settings.identityHeaders(), settings.identityHeaders().all(), List.copyOf(strip), authenticators);
        }
    }

    private volatile Rules rules;

    public IdentityHeadersFilter(SecuritySettings settings, Authenticators authenticators) {
        this.rules = Rules.of(settings, authenticators);
    }

    /** Applies to requests forwarded from now on. */
    public void use(Rules next) {
        this.rules = next;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 1;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        Rules rules = this.rules;
        List<String> identityHeaders = rules.identityHeaders();
        List<Pattern> stripped = rules.stripped();
        SecuritySettings.IdentityHeaders names = rules.names();
        Identity identity = exchange.getAttribute(AuthenticateGatewayFilterFactory.IDENTITY_ATTRIBUTE);
        if (identity == null && !carriesAny(input, identityHeaders, stripped)) {
            return input;
        }
        HttpHeaders headers = withoutIdentityHeaders(input, identityHeaders);
        if (!stripped.isEmpty()) {
            HeaderRule.strip(headers, stripped);
        }
        if (identity != null) {
            Authenticator authenticator = exchange.getAttribute(AuthenticateGatewayFilterFactory.AUTHENTICATOR_ATTRIBUTE);
            (authenticator != null ? authenticator : rules.authenticators().get(identity.authenticator())).removeCredential(headers);
            headers.set(names.subject(), identity.subject() == null ? "" : identity.subject());
            headers.set(names.authenticator(), identity.authenticator());
            if (!identity.scopes().isEmpty()) {
                headers.set(names.scopes(), String.join(" ", identity.scopes()));
            }
        }
        return headers;
    }

    private static boolean carriesAny(HttpHeaders headers, List<String> identityHeaders, List<Pattern> stripped) {
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

    /** The headers without any identity header, in the outgoing headers the other filters share. */
    private static HttpHeaders withoutIdentityHeaders(HttpHeaders input, List<String> identityHeaders) {
        OutgoingHeaders headers = OutgoingHeaders.of(input);
        identityHeaders.forEach(headers::remove);
        return headers;
    }
}
