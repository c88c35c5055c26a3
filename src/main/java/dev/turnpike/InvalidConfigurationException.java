package dev.turnpike;

/** A configuration that binds but cannot work; names the key and the problem. */
public class InvalidConfigurationException extends RuntimeException {

    private final String key;
    private final String problem;

    public InvalidConfigurationException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
        this.problem = problem;
    }

    public String key() {
        return key;
    }

    public String problem() {
        return problem;
    }
}
