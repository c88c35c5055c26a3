package dev.turnpike.upstream;

import java.util.Locale;

public enum ServerState {
    /** Takes traffic. */
    HEALTHY,
    /** Failed its active checks {@code fall} times in a row; back after {@code rise} passes. */
    UNHEALTHY,
    /** Failed {@code max-fails} times in real traffic; back when {@code fail-timeout} has passed. */
    EJECTED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
