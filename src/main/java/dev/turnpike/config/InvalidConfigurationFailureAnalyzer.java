package dev.turnpike.config;

import dev.turnpike.InvalidConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a start-up failure caused by bad configuration as one message instead of a stack trace. */
class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
        return new FailureAnalysis("Invalid configuration at '" + cause.key() + "': " + cause.problem(),
                "Correct '" + cause.key() + "' in application.yml.", cause);
    }
}
