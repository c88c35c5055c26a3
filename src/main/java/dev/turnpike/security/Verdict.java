package dev.turnpike.security;

/** What one authenticator made of a request. */
public sealed interface Verdict {

    /** The request carries no credential of this kind. */
    record Absent() implements Verdict {
    }

    /** It carries one, and it is wrong; {@code error} is safe to show the client. */
    record Invalid(String error) implements Verdict {
    }

    /** The credential could not be checked (for example the JWKS endpoint is down). */
    record Unavailable(String error) implements Verdict {
    }

    record Accepted(Identity identity) implements Verdict {
    }

    Verdict ABSENT = new Absent();
}
