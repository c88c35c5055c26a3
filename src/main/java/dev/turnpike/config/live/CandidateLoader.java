package dev.turnpike.config.live;

import dev.turnpike.config.TurnpikeProperties;
import jakarta.validation.Validation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.config.ConfigDataEnvironmentUpdateListener;
import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataResource;
import org.springframework.boot.context.config.StandardConfigDataResource;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/**
 * Reads the operator's configuration files again, as Spring Boot did at start, into a fresh environment
 * that keeps the process's other sources (command line, system properties, environment variables), and
 * binds and validates {@code turnpike.*} and the gateway routes from it. The running environment is
 * never touched.
 */
final class CandidateLoader {

    private final ConfigurableEnvironment live;
    private final ApplicationConversionService conversions = new ApplicationConversionService();
    private final SpringValidatorAdapter validator =
            new SpringValidatorAdapter(Validation.buildDefaultValidatorFactory().getValidator());

    CandidateLoader(ConfigurableEnvironment live, List<Converter<?, ?>> converters) {
        this.live = live;
        converters.forEach(conversions::addConverter);
    }

    /** Throws whatever reading or binding throws; {@link ReloadFailure#of} turns it into a message. */
    Candidate load() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().forEach(source -> environment.getPropertySources().remove(source.getName()));
        for (PropertySource<?> source : live.getPropertySources()) {
            if (!isConfigData(source) && !ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)) {
                environment.getPropertySources().addLast(source);
            }
        }
        environment.setActiveProfiles(live.getActiveProfiles());
        List<Path> files = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        ConfigDataEnvironmentUpdateListener recorder = new ConfigDataEnvironmentUpdateListener() {
            @Override
            public void onPropertySourceAdded(PropertySource<?> source, ConfigDataLocation location, ConfigDataResource resource) {
                // the application's own defaults (classpath) do not change while it runs
                if (resource instanceof StandardConfigDataResource standard && standard.getResource().isFile()
                        && !(standard.getResource() instanceof org.springframework.core.io.ClassPathResource)) {
                    try {
                        files.add(standard.getResource().getFile().toPath().toAbsolutePath().normalize());
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
                if (source instanceof EnumerablePropertySource<?> enumerable) {
                    keys.addAll(List.of(enumerable.getPropertyNames()));
                }
            }
        };
        ConfigDataEnvironmentPostProcessor.applyTo(environment, new DefaultResourceLoader(), new DefaultBootstrapContext(),
                List.of(live.getActiveProfiles()), recorder);
        Binder binder = new Binder(ConfigurationPropertySources.get(environment),
                new PropertySourcesPlaceholdersResolver(environment), conversions);
        ValidationBindHandler validation = new ValidationBindHandler(validator);
        TurnpikeProperties turnpike = binder.bindOrCreate("turnpike", Bindable.of(TurnpikeProperties.class), validation);
        GatewayProperties gateway = new GatewayProperties();
        binder.bind(GatewayProperties.PREFIX, Bindable.ofInstance(gateway), validation);
        return new Candidate(environment, turnpike, gateway.getRoutes(), gateway.getDefaultFilters(), List.copyOf(files),
                ConfigurationFiles.revision(files), Set.copyOf(keys));
    }

    /** A source Spring Boot's config data loading added: the files, which a reload reads again. */
    static boolean isConfigData(PropertySource<?> source) {
        return source.getName().startsWith("Config resource '");
    }
}
