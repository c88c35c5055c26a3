package dev.turnpike.l7;

/** Names of the exchange attributes Turnpike's L7 filters share. */
public final class ExchangeAttributes {

    /** The real client address (String), after trusted proxies are accounted for. */
    public static final String CLIENT_ADDRESS = dev.turnpike.security.ClientAddress.ATTRIBUTE;

    /** The servers tried so far for this request (List of Server), so that a retry goes elsewhere. */
    public static final String TRIED_SERVERS = "turnpike.triedServers";
    /** The request's id: the client's X-Request-Id when sane, else a new one. */
    public static final String REQUEST_ID = "turnpike.requestId";

    private ExchangeAttributes() {
    }
}
