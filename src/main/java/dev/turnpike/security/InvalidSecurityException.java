package dev.turnpike.security;

/** A security setting that cannot work, named by its key. */
public final class InvalidSecurityException extends RuntimeException {

    private final String key;
    private final String problem;

    public InvalidSecurityException(String key, String problem) {
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
