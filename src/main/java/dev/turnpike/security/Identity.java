package dev.turnpike.security;

import java.util.Map;
import java.util.Set;

/**
 * A caller an authenticator accepted.
 *
 * @param authenticator the name of the authenticator
 * @param subject the token subject, API-key client id or user name
 * @param scopes the token's scopes (empty for API keys and Basic)
 * @param claims the token's claims (empty for API keys and Basic)
 */
public record Identity(String authenticator, String subject, Set<String> scopes, Map<String, Object> claims) {
}
