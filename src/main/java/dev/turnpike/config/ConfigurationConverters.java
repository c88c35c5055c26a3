package dev.turnpike.config;

import dev.turnpike.security.IpRange;
import dev.turnpike.upstream.ServerAddress;
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
}
