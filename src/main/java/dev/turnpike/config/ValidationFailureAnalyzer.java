package dev.turnpike.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Reports a failed validation with the key as an operator writes it in YAML
 * ({@code turnpike.upstreams.web.health-check.rise}) rather than the record path
 * ({@code turnpike.upstreams[web].healthCheck.rise}), with the value and where it was set.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ValidationFailureAnalyzer extends AbstractFailureAnalyzer<BindValidationException> {

    private static final Pattern MAP_KEY = Pattern.compile("\\[([^\\]]*[^0-9\\]][^\\]]*)]");
    private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BindValidationException cause) {
        String prefix = cause.getValidationErrors().getName().toString();
        List<String> lines = new ArrayList<>();
        for (ObjectError error : cause.getValidationErrors()) {
            if (error instanceof FieldError field) {
                Object value = field.getRejectedValue();
                boolean simple = value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                        || value instanceof Enum<?> || value instanceof java.time.Duration;
                String line = "Invalid configuration at '" + prefix + "." + yamlKey(field.getField()) + "': "
                        + field.getDefaultMessage() + (simple ? " (value \"" + value + "\")" : "");
                Origin origin = Origin.from(field);
                lines.add(origin == null ? line : line + " from " + origin);
            } else {
                lines.add("Invalid configuration under '" + prefix + "': " + error.getDefaultMessage());
            }
        }
        return new FailureAnalysis(String.join(System.lineSeparator(), lines),
                "Correct the key" + (lines.size() > 1 ? "s" : "") + " above in application.yml.", cause);
    }

    public static String yamlKey(String path) {
        Matcher mapKeys = MAP_KEY.matcher(path);
        String dotted = mapKeys.replaceAll(match -> "." + Matcher.quoteReplacement(match.group(1)));
        return CAMEL.matcher(dotted).replaceAll(match -> match.group(1) + "-" + match.group(2).toLowerCase(java.util.Locale.ROOT));
    }
}
