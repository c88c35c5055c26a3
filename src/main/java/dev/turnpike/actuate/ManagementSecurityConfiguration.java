package dev.turnpike.actuate;

import dev.turnpike.config.TurnpikeProperties;
import dev.turnpike.security.Sha256;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.actuate.info.InfoEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.reactive.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UserDetailsRepositoryReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import reactor.core.publisher.Mono;

/**
 * Locks the management endpoints: health and info are open (health shows each component's
 * status; details only to a signed-in user), everything else needs a user or bearer token from
 * {@code turnpike.management}; reading needs the role {@code read} or {@code admin}, anything that
 * changes state {@code admin}. With nobody configured those endpoints are off. Only requests to
 * the management port pass through Spring Security ({@link ManagementOnlySecurity}), with its strict
 * firewall; gateway traffic has its own checks (the hygiene package) and never enters it.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class ManagementSecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ManagementSecurityConfiguration.class);

    @Bean
    ManagementPort managementPort() {
        return new ManagementPort();
    }

    @Bean
    static ManagementOnlySecurity managementOnlySecurity(org.springframework.beans.factory.ObjectProvider<ManagementPort> port) {
        return new ManagementOnlySecurity(port);
    }

    @Bean
    ReactiveUserDetailsService managementUsers(TurnpikeProperties properties) {
        Map<String, UserDetails> users = properties.management().users().stream()
                .collect(Collectors.toMap(TurnpikeProperties.Management.User::name, u -> User.withUsername(u.name())
                        .password(u.password())
                        .authorities(u.roles().stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r.name())).toList())
                        .build(), (a, b) -> b));
        return name -> Mono.justOrEmpty(users.get(name)).map(User::withUserDetails).map(User.UserBuilder::build);
    }

    @Bean
    SecurityWebFilterChain managementSecurity(ServerHttpSecurity http, TurnpikeProperties properties,
                                              ReactiveUserDetailsService users, ManagementPort port) {
        TurnpikeProperties.Management management = properties.management();
        UserDetailsRepositoryReactiveAuthenticationManager passwords = new UserDetailsRepositoryReactiveAuthenticationManager(users);
        passwords.setPasswordEncoder(PasswordEncoderFactories.createDelegatingPasswordEncoder());
        boolean anybody = !management.users().isEmpty() || !management.tokens().isEmpty();
        if (!anybody) {
            log.info("Management endpoints other than health and info are off: no one is configured to use them. "
                    + "Add turnpike.management.users (name, {bcrypt} password, roles read/admin) to turn them on.");
        }
        ServerWebExchangeMatcher onManagementPort = exchange -> port.matches(exchange)
                ? ServerWebExchangeMatcher.MatchResult.match() : ServerWebExchangeMatcher.MatchResult.notMatch();
        return http
                .securityMatcher(onManagementPort)
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .httpBasic(basic -> basic.authenticationManager(passwords))
                .addFilterAt(bearerTokens(management.tokens()), SecurityWebFiltersOrder.HTTP_BASIC)
                .authorizeExchange(access -> {
                    access.matchers(EndpointRequest.to(HealthEndpoint.class, InfoEndpoint.class)).permitAll();
                    if (!anybody) {
                        access.anyExchange().denyAll();
                    } else {
                        access.pathMatchers(HttpMethod.GET, "/**").hasAnyRole("READ", "ADMIN");
                        access.pathMatchers(HttpMethod.HEAD, "/**").hasAnyRole("READ", "ADMIN");
                        access.anyExchange().hasRole("ADMIN");
                    }
                })
                .build();
    }

    /** {@code Authorization: Bearer <token>} against the SHA-256 hashes of {@code turnpike.management.tokens}. */
    private static AuthenticationWebFilter bearerTokens(List<TurnpikeProperties.Management.Token> tokens) {
        Map<TurnpikeProperties.Management.Token, byte[]> hashes = new java.util.LinkedHashMap<>();
        tokens.forEach(token -> hashes.put(token, Sha256.parseHex(token.sha256())));
        ReactiveAuthenticationManager manager = authentication -> {
            byte[] presented = Sha256.of(String.valueOf(authentication.getCredentials()));
            TurnpikeProperties.Management.Token match = null;
            for (Map.Entry<TurnpikeProperties.Management.Token, byte[]> token : hashes.entrySet()) {
                if (Sha256.matches(presented, token.getValue()) && match == null) {
                    match = token.getKey();
                }
            }
            if (match == null) {
                return Mono.error(new BadCredentialsException("unknown token"));
            }
            return Mono.just(UsernamePasswordAuthenticationToken.authenticated(match.name(), null,
                    match.roles().stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r.name())).toList()));
        };
        AuthenticationWebFilter filter = new AuthenticationWebFilter(manager);
        filter.setServerAuthenticationConverter(exchange -> {
            String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || tokens.isEmpty()) {
                return Mono.empty();
            }
            return Mono.just(UsernamePasswordAuthenticationToken.unauthenticated("bearer", header.substring(7).trim()));
        });
        return filter;
    }
}
