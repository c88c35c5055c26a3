package dev.turnpike.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A route filter whose arguments cannot work (a zero rate, a bad pattern, an address that does
 * not parse) stops the start; this names the filter and the problem in one message.
 */
class RouteFilterFailureAnalyzer extends AbstractFailureAnalyzer<IllegalArgumentException> {

    private static final String FACTORY_SUFFIX = "GatewayFilterFactory";

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, IllegalArgumentException cause) {
        for (StackTraceElement frame : cause.getStackTrace()) {
            String type = frame.getClassName();
            int suffix = type.indexOf(FACTORY_SUFFIX);
            if (suffix > 0 && frame.getMethodName().equals("apply")) {
                String filter = type.substring(type.lastIndexOf('.') + 1, suffix);
                return new FailureAnalysis("Invalid route filter " + filter + ": " + cause.getMessage(),
                        "Correct the " + filter + " filter under " + RouteUpstreamCheck.ROUTES_KEY + " in application.yml.", cause);
            }
        }
        return null;
    }
}
