package dev.turnpike.accesslog;

import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One line per HTTP request (logger {@code turnpike.access.http}) and per closed L4 connection
 * ({@code turnpike.access.l4}). The lines are plain text; with Spring Boot's structured logging on
 * ({@code logging.structured.format.console: ecs}, {@code logstash} or {@code gelf}) each line is a JSON
 * object that also carries every field as its own key. Turn either log off with its logger level.
 */
public final class AccessLog {

    private static final Logger HTTP = LoggerFactory.getLogger("turnpike.access.http");
    private static final Logger L4 = LoggerFactory.getLogger("turnpike.access.l4");

    private final boolean structured;

    /** @param structured attach the fields as key-value pairs, for structured (JSON) logging */
    public AccessLog(boolean structured) {
        this.structured = structured;
    }

    public boolean httpEnabled() {
        return HTTP.isInfoEnabled();
    }

    public boolean l4Enabled() {
        return L4.isInfoEnabled();
    }

    /**
     * @param route the route id, or null when none matched
     * @param upstream the server that answered, or null when the gateway answered itself
     */
    public record HttpRequest(Instant start, String client, String method, String path, String protocol, int status,
                              long bytesIn, long bytesOut, long durationNanos, String route, String upstream,
                              String requestId) {
    }

    /**
     * @param upstream the backend server, or null when none was connected
     * @param serverName the TLS server name a passthrough listener routed by, or null
     * @param ending how the connection ended: {@code closed}, {@code client-closed}, {@code backend-closed},
     *        {@code client-reset}, {@code backend-reset}, {@code idle-timeout}, or why it was refused
     */
    public record L4Connection(Instant start, String listener, String client, String upstream, String serverName,
                               long bytesIn, long bytesOut, long durationNanos, String ending) {
    }

    public void http(HttpRequest request) {
        String line = request.start() + " " + request.client() + " \"" + request.method() + " " + quoted(request.path())
                + " " + request.protocol() + "\" " + request.status() + " in=" + request.bytesIn() + " out=" + request.bytesOut()
                + " " + millis(request.durationNanos()) + "ms route=" + dash(request.route())
                + " upstream=" + dash(request.upstream()) + " id=" + request.requestId();
        if (!structured) {
            HTTP.info(line);
            return;
        }
        LoggingEventBuilder event = HTTP.atInfo()
                .addKeyValue("time", request.start().toString())
                .addKeyValue("client", request.client())
                .addKeyValue("method", request.method())
                .addKeyValue("path", request.path())
                .addKeyValue("protocol", request.protocol())
                .addKeyValue("status", request.status())
                .addKeyValue("bytesIn", request.bytesIn())
                .addKeyValue("bytesOut", request.bytesOut())
                .addKeyValue("durationMs", request.durationNanos() / 1_000_000.0)
                .addKeyValue("requestId", request.requestId());
        if (request.route() != null) {
            event = event.addKeyValue("route", request.route());
        }
        if (request.upstream() != null) {
            event = event.addKeyValue("upstream", request.upstream());
        }
        event.log(line);
    }

    public void l4(L4Connection connection) {
        String line = connection.start() + " " + connection.client() + " listener=" + connection.listener()
                + " upstream=" + dash(connection.upstream()) + " sni=" + dash(connection.serverName())
                + " in=" + connection.bytesIn() + " out=" + connection.bytesOut()
                + " " + millis(connection.durationNanos()) + "ms ended=" + connection.ending();
        if (!structured) {
            L4.info(line);
            return;
        }
        LoggingEventBuilder event = L4.atInfo()
                .addKeyValue("time", connection.start().toString())
                .addKeyValue("listener", connection.listener())
                .addKeyValue("client", connection.client())
                .addKeyValue("bytesIn", connection.bytesIn())
                .addKeyValue("bytesOut", connection.bytesOut())
                .addKeyValue("durationMs", connection.durationNanos() / 1_000_000.0)
                .addKeyValue("ending", connection.ending());
        if (connection.upstream() != null) {
            event = event.addKeyValue("upstream", connection.upstream());
        }
        if (connection.serverName() != null) {
            event = event.addKeyValue("serverName", connection.serverName());
        }
        event.log(line);
    }

    private static String dash(String value) {
        return value == null ? "-" : value;
    }

    /** Milliseconds with three decimals. */
    private static String millis(long nanos) {
        long micros = nanos / 1000;
        long fraction = micros % 1000;
        return micros / 1000 + "." + (fraction < 10 ? "00" : fraction < 100 ? "0" : "") + fraction;
    }

    /** A path as a client sent it cannot break the line: quotes, backslashes and controls are escaped. */
    static String quoted(String path) {
        StringBuilder escaped = null;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean special = c == '"' || c == '\\' || c < 0x20 || c == 0x7f;
            if (special && escaped == null) {
                escaped = new StringBuilder(path.length() + 8).append(path, 0, i);
            }
            if (escaped != null) {
                if (special) {
                    escaped.append(String.format("\\x%02x", (int) c));
                } else {
                    escaped.append(c);
                }
            }
        }
        return escaped == null ? path : escaped.toString();
    }
}
