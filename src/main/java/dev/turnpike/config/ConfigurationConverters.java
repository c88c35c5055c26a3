package dev.turnpike.config;

import dev.turnpike.security.IpRange;
import dev.turnpike.upstream.ServerAddress;
import dev.turnpike.upstream.UpstreamTls;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;

/** Turns configuration strings into value types; a bad value fails binding with the key in the message. */
@Configuration(proxyBeanMethods = false)
class ConfigurationConverters {

    @Bean
    @ConfigurationPropertiesBinding
    static Converter<String, ServerAddress> serverAddressConverter() {
        return new Converter<>() {
            @Override
            public ServerAddress convert(String source) {
                return ServerAddress.parse(source);
            }
        };
    }

    @Bean
    @ConfigurationPropertiesBinding
    static Converter<String, IpRange> ipRangeConverter() {
        return new Converter<>() {
            @Override
            public IpRange convert(String source) {
                return IpRange.parse(source);
            }
        };
    }

    /** {@code tls: true} (or {@code false}) on an upstream, short for a block with only {@code enabled}. */
    @Bean
    @ConfigurationPropertiesBinding
    static Converter<String, UpstreamTls> upstreamTlsConverter() {
        return new Converter<>() {
            @Override
            public UpstreamTls convert(String source) {
                return switch (source.trim().toLowerCase(java.util.Locale.ROOT)) {
                    case "true" -> UpstreamTls.ON;
                    case "false" -> UpstreamTls.OFF;
                    default -> throw new IllegalArgumentException("must be true, false, or a block with trust-bundle, client-bundle, server-name, insecure-skip-verify");
                };
            }
        };
    }
}
