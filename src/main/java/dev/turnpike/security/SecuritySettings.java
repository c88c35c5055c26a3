package dev.turnpike.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code turnpike.security}: named authenticators that routes reference with
 * {@code Authenticate=<name>}, the identity headers a backend receives, and the gateway-wide
 * blocking of client addresses, users and headers.
 *
 * @param jwt bearer-token authenticators, by name
 * @param apiKeys API-key authenticators, by name
 * @param basic HTTP Basic authenticators, by name
 * @param identityHeaders the request headers that carry the caller's identity to the backend; always
 *        removed from incoming requests first, so a client cannot forge them
 * @param clients allow and deny lists of client addresses for every route
 * @param blockedUsers subjects and API-key client ids refused with 403 on every route
 * @param headers request headers refused or stripped on every route
 */
public record SecuritySettings(
        @Valid @NotNull @DefaultValue Map<String, @Valid @NotNull Jwt> jwt,
        @Valid @NotNull @DefaultValue Map<String, @Valid @NotNull ApiKeys> apiKeys,
        @Valid @NotNull @DefaultValue Map<String, @Valid @NotNull Basic> basic,
        @Valid @NotNull @DefaultValue IdentityHeaders identityHeaders,
        @Valid @NotNull @DefaultValue ClientAccess clients,
        @NotNull @DefaultValue Set<String> blockedUsers,
        @Valid @NotNull @DefaultValue Headers headers) {

    /**
     * One JWT issuer's tokens, from {@code Authorization: Bearer}. Exactly one of secret, public-key and jwks-uri.
     *
     * @param secret the shared secret of HS256/384/512 tokens, at least 32 bytes
     * @param publicKey a PEM public key (RSA or EC) for RS*, PS* or ES* tokens
     * @param jwksUri where the issuer publishes its keys; fetched without blocking, cached, fetched again for an unknown kid
     * @param algorithms the accepted signature algorithms; by default every one that fits the key
     * @param issuer the required {@code iss}
     * @param audiences accepted {@code aud} values; a token must carry at least one
     * @param clockSkew tolerance on {@code exp} and {@code nbf}
     * @param stripCredential remove the Authorization header before forwarding
     */
    public record Jwt(String secret, String publicKey, URI jwksUri, @NotNull @DefaultValue List<String> algorithms,
                      String issuer, @NotNull @DefaultValue List<String> audiences,
                      @NotNull @DefaultValue("60s") Duration clockSkew, boolean stripCredential) {
    }

    /**
     * API keys from a header or a query parameter, kept here only as SHA-256 hashes.
     *
     * @param header the header that carries the key
     * @param queryParameter a query parameter that carries the key instead, when set
     * @param keys the accepted keys
     * @param stripCredential remove the key before forwarding
     */
    public record ApiKeys(@NotBlank @DefaultValue("X-Api-Key") String header, String queryParameter,
                          @NotEmpty List<@Valid @NotNull Key> keys, boolean stripCredential) {

        /**
         * @param client the client id the key stands for
         * @param sha256 the hex SHA-256 of the key
         */
        public record Key(@NotBlank String client,
                          @NotNull @Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be 64 hex digits (a SHA-256)") String sha256) {
        }
    }

    /**
     * HTTP Basic users.
     *
     * @param realm the realm named in the challenge
     * @param users the accepted users
     * @param stripCredential remove the Authorization header before forwarding
     */
    public record Basic(@NotBlank @DefaultValue("turnpike") String realm, @NotEmpty List<@Valid @NotNull User> users,
                        boolean stripCredential) {

        /**
         * @param name the user name
         * @param password its BCrypt hash, as {@code {bcrypt}$2a$...}
         */
        public record User(@NotBlank String name,
                           @NotNull @Pattern(regexp = "\\{bcrypt}\\$2[aby]?\\$\\d\\d\\$.{53}",
                                   message = "must be a BCrypt hash written as {bcrypt}$2a$10$...") String password) {
        }
    }

    /**
     * @param subject carries the token subject or the API-key client id
     * @param authenticator carries the name of the authenticator that accepted the caller
     * @param scopes carries the token's scopes, space-separated
     */
    public record IdentityHeaders(@NotBlank @DefaultValue("X-Auth-Subject") String subject,
                                  @NotBlank @DefaultValue("X-Auth-Authenticator") String authenticator,
                                  @NotBlank @DefaultValue("X-Auth-Scopes") String scopes) {

        public List<String> all() {
            return List.of(subject, authenticator, scopes);
        }
    }

    /**
     * @param allow when not empty, only these addresses and blocks may connect
     * @param deny these addresses and blocks are refused; deny wins over allow
     */
    public record ClientAccess(@NotNull @DefaultValue List<IpRange> allow, @NotNull @DefaultValue List<IpRange> deny) {
    }

    /**
     * @param block requests carrying a matching header are refused
     * @param strip headers removed before forwarding, as case-insensitive name patterns
     */
    public record Headers(@NotNull @DefaultValue List<@Valid @NotNull HeaderRule> block,
                          @NotNull @DefaultValue List<@NotBlank String> strip) {
    }

    /**
     * @param name a case-insensitive regular expression for the header name
     * @param value a regular expression the whole value must match; any value when absent
     * @param status 400 or 403
     */
    public record HeaderRule(@NotBlank String name, String value, @DefaultValue("400") @Min(400) @Max(403) int status) {
    }
}
