package dev.turnpike.l4;

/** How an accepted client connection ended up; a tag of {@code turnpike.l4.connections}. */
enum ConnectionResult {
    FORWARDED("forwarded", false),
    CONNECT_FAILED("connect-failed", false),
    NO_SERVER("no-server", false),
    OVER_LIMIT("over-limit", false),
    NO_ROUTE("no-route", true),
    BAD_CLIENT_HELLO("bad-client-hello", true),
    BAD_PROXY_HEADER("bad-proxy-header", true),
    PREAMBLE_TIMEOUT("preamble-timeout", true),
    CLIENT_CLOSED("client-closed", true);

    private final String tag;
    private final boolean causedByClient;

    ConnectionResult(String tag, boolean causedByClient) {
        this.tag = tag;
        this.causedByClient = causedByClient;
    }

    String tag() {
        return tag;
    }

    /** An ending the client chose or caused (what it sent, or did not send), rather than the gateway's or a backend's. */
    boolean causedByClient() {
        return causedByClient;
    }
}
