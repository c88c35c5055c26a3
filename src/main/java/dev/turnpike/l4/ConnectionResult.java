package dev.turnpike.l4;

/** How an accepted client connection ended up; a tag of {@code turnpike.l4.connections}. */
enum ConnectionResult {
    FORWARDED("forwarded"),
    CONNECT_FAILED("connect-failed"),
    NO_SERVER("no-server"),
    OVER_LIMIT("over-limit"),
    NO_ROUTE("no-route"),
    BAD_CLIENT_HELLO("bad-client-hello"),
    BAD_PROXY_HEADER("bad-proxy-header"),
    PREAMBLE_TIMEOUT("preamble-timeout"),
    CLIENT_CLOSED("client-closed");

    private final String tag;

    ConnectionResult(String tag) {
        this.tag = tag;
    }

    String tag() {
        return tag;
    }
}
