package dev.turnpike.config;

import dev.turnpike.security.AllowMethodsGatewayFilterFactory;
import dev.turnpike.security.AuthenticateGatewayFilterFactory;
import dev.turnpike.security.Authenticators;
import dev.turnpike.security.BlockHeadersGatewayFilterFactory;
import dev.turnpike.security.ClientAccessGatewayFilterFactory;
import dev.turnpike.security.GatewayPolicyFilter;
import dev.turnpike.security.IdentityHeadersFilter;
import dev.turnpike.InvalidConfigurationException;
import dev.turnpike.security.RequireClaimGatewayFilterFactory;
import dev.turnpike.security.RequireScopesGatewayFilterFactory;
import dev.turnpike.security.SecurityRejections;
import dev.turnpike.security.StripHeadersGatewayFilterFactory;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The authenticators and the policy filters of {@code turnpike.security}. */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    @Bean(destroyMethod = "close")
    Authenticators authenticators(TurnpikeProperties properties, GatewayProperties gateway) {
        Authenticators authenticators = new Authenticators(properties.security());
        RouteFilterCheck.checkAuthenticators(gateway.getRoutes(), authenticators.names());
        return authenticators;
    }

    @Bean
    SecurityRejections securityRejections(MeterRegistry registry) {
        return new SecurityRejections(registry);
    }

    @Bean
    GatewayPolicyFilter gatewayPolicyFilter(TurnpikeProperties properties, SecurityRejections rejections) {
        try {
            return new GatewayPolicyFilter(properties.security(), rejections);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("turnpike.security.headers", e.getMessage());
        }
    }

    @Bean
    IdentityHeadersFilter identityHeadersFilter(TurnpikeProperties properties, Authenticators authenticators) {
        try {
            return new IdentityHeadersFilter(properties.security(), authenticators);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("turnpike.security.headers.strip", e.getMessage());
        }
    }

    @Bean
    AuthenticateGatewayFilterFactory authenticateGatewayFilterFactory(Authenticators authenticators,
                                                                      TurnpikeProperties properties,
                                                                      SecurityRejections rejections) {
        return new AuthenticateGatewayFilterFactory(authenticators, properties.security(), rejections);
    }

    @Bean
    SecurityReload securityReload(TurnpikeProperties properties, Authenticators authenticators,
                                  AuthenticateGatewayFilterFactory authenticate, GatewayPolicyFilter policy,
                                  IdentityHeadersFilter identity) {
        return new SecurityReload(properties.security(), authenticators, authenticate, policy, identity);
    }

    @Bean
    RequireScopesGatewayFilterFactory requireScopesGatewayFilterFactory(SecurityRejections rejections) {
        return new RequireScopesGatewayFilterFactory(rejections);
    }

    @Bean
    RequireClaimGatewayFilterFactory requireClaimGatewayFilterFactory(SecurityRejections rejections) {
        return new RequireClaimGatewayFilterFactory(rejections);
    }

    @Bean
    ClientAccessGatewayFilterFactory clientAccessGatewayFilterFactory(SecurityRejections rejections) {
        return new ClientAccessGatewayFilterFactory(rejections);
    }

    @Bean
    BlockHeadersGatewayFilterFactory blockHeadersGatewayFilterFactory(SecurityRejections rejections) {
        return new BlockHeadersGatewayFilterFactory(rejections);
    }

    @Bean
    StripHeadersGatewayFilterFactory stripHeadersGatewayFilterFactory() {
        return new StripHeadersGatewayFilterFactory();
    }

    @Bean
    AllowMethodsGatewayFilterFactory allowMethodsGatewayFilterFactory(SecurityRejections rejections) {
        return new AllowMethodsGatewayFilterFactory(rejections);
    }
}
