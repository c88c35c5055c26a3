package dev.turnpike.config.live;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Parses the YAML files first, so that a syntax error is reported with its file, line and column
 * (Spring Boot's loader reports it without the file).
 */
final class YamlSyntax {

    private YamlSyntax() {
    }

    static void check(Collection<Path> files) {
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (!(name.endsWith(".yml") || name.endsWith(".yaml")) || !Files.isRegularFile(file)) {
                continue;
            }
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (Node ignored : new Yaml(new LoaderOptions()).composeAll(reader)) {
                    // composing every document is what finds the syntax errors
                }
            } catch (MarkedYAMLException e) {
                Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
                String where = mark == null ? "" : " - " + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
                Mark context = e.getContextMark();
                String problem = e.getProblem() + (e.getContext() == null ? "" : " (" + e.getContext()
                        + (context == null ? "" : " that starts at " + (context.getLine() + 1) + ":" + (context.getColumn() + 1)) + ")");
                throw new SyntaxError(file + where, "YAML syntax: " + problem);
            } catch (IOException e) {
                throw new SyntaxError(file.toString(), "cannot be read: " + e.getMessage());
            }
        }
    }

    /** A file that is not valid YAML. */
    static final class SyntaxError extends RuntimeException {

        private final String location;
        private final String problem;

        SyntaxError(String location, String problem) {
            super(location + ": " + problem);
            this.location = location;
            this.problem = problem;
        }

        ReloadFailure failure() {
            return new ReloadFailure(location, null, problem);
        }
    }
}
