package dev.turnpike.config.live;

import dev.turnpike.InvalidConfigurationException;
import dev.turnpike.config.ValidationFailureAnalyzer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Why a new configuration was refused, as an operator reads it: where (file and line, when known), which
 * key, and what is wrong.
 *
 * @param location the file and line, or null when the problem is not tied to one
 * @param key the configuration key, or null for a file that could not be read at all
 * @param problem what is wrong
 */
public record ReloadFailure(String location, String key, String problem) {

    @Override
    public String toString() {
        return (key == null ? "" : key + ": ") + problem + (location == null ? "" : " (" + location + ")");
    }

    /** Describes what loading, binding or checking a candidate threw. */
    static ReloadFailure of(Throwable error, ConfigurableEnvironment environment) {
        if (error instanceof YamlSyntax.SyntaxError syntax) {
            return syntax.failure();
        }
        BindValidationException validation = find(error, BindValidationException.class);
        if (validation != null) {
            return validation(validation);
        }
        InvalidConfigurationException invalid = find(error, InvalidConfigurationException.class);
        if (invalid != null) {
            return new ReloadFailure(origin(environment, invalid.key()), invalid.key(), invalid.problem());
        }
        BindException bind = find(error, BindException.class);
        if (bind != null) {
            ConfigurationProperty property = bind.getProperty();
            String key = property != null ? property.getName().toString() : bind.getName().toString();
            Origin origin = property != null ? property.getOrigin() : null;
            return new ReloadFailure(origin == null ? null : origin.toString(), key, bindProblem(bind, property));
        }
        return new ReloadFailure(null, null, describe(error));
    }

    private static ReloadFailure validation(BindValidationException validation) {
        String prefix = validation.getValidationErrors().getName().toString();
        List<String> problems = new ArrayList<>();
        String firstKey = null;
        String firstOrigin = null;
        for (ObjectError error : validation.getValidationErrors()) {
            String key = error instanceof FieldError field
                    ? prefix + "." + ValidationFailureAnalyzer.yamlKey(field.getField()) : prefix;
            Origin origin = Origin.from(error);
            if (firstKey == null) {
                firstKey = key;
                firstOrigin = origin == null ? null : origin.toString();
            }
            problems.add((problems.isEmpty() ? "" : key + ": ") + error.getDefaultMessage());
        }
        return new ReloadFailure(firstOrigin, firstKey, String.join("; ", problems));
    }

    /** Where a key was set in the candidate's files, such as {@code URL [file:/config/application.yml] - 12:9}. */
    static String origin(ConfigurableEnvironment environment, String key) {
        if (environment == null || key == null || !ConfigurationPropertyName.isValid(key)) {
            return null;
        }
        ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            if (property != null && property.getOrigin() != null) {
                return property.getOrigin().toString();
            }
        }
        return null;
    }

    /** The outermost message and the innermost one, which for a YAML error holds the line and column. */
    private static String describe(Throwable error) {
        Throwable root = root(error);
        String outer = String.valueOf(error.getMessage());
        String inner = String.valueOf(root.getMessage()).replaceAll("\\s+", " ").trim();
        return root == error ? outer : outer + ": " + inner;
    }

    /** For an enum, the values it takes (as written in YAML); otherwise the innermost message. */
    private static String bindProblem(BindException bind, ConfigurationProperty property) {
        Class<?> type = bind.getTarget().getType().resolve();
        if (type != null && type.isEnum() && property != null) {
            List<String> values = new ArrayList<>();
            for (Object constant : type.getEnumConstants()) {
                values.add(((Enum<?>) constant).name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            }
            return "'" + property.getValue() + "' is not one of " + String.join(", ", values);
        }
        return rootMessage(bind);
    }

    /** The innermost message on one line. */
    static String rootMessage(Throwable error) {
        return String.valueOf(root(error).getMessage()).replaceAll("\\s+", " ").trim();
    }

    private static Throwable root(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
