package dev.turnpike.l7.hygiene;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Checks the raw request line of a connection's first request byte by byte, before Netty's
 * decoder, which splits lines on any whitespace: {@code METHOD SP target SP HTTP/d.d CRLF} with an
 * upper-case method, a target of visible ASCII and exactly one space between them. A tab or a
 * control byte where a space belongs is how request-smuggling payloads hide a second request in
 * the first line. Once the line has passed, this handler leaves the pipeline; later requests on
 * the connection are re-serialised with single spaces before they are forwarded, so no backend
 * sees their separators.
 */
final class RequestLineCheck extends ChannelInboundHandlerAdapter {

    private enum State { METHOD, TARGET, VERSION, LF }

    private static final byte[] HTTP_SLASH = {'H', 'T', 'T', 'P', '/'};

    private final RequestHygieneHandler hygiene;
    private State state = State.METHOD;
    private int length;

    RequestLineCheck(RequestHygieneHandler hygiene) {
        this.hygiene = hygiene;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        int end = bytes.writerIndex();
        for (int i = bytes.readerIndex(); i < end; i++) {
            if (!accept(bytes.getByte(i))) {
                bytes.release();
                hygiene.reject(Rejection.badRequest("request-line",
                        "malformed request line (one space between method, target and version; no control characters)"));
                return;
            }
            if (state == null) {
                ctx.pipeline().remove(this);
                break;
            }
        }
        ctx.fireChannelRead(bytes);
    }

    /** Advances over one byte; false when the byte cannot appear here. Sets state to null at the line's end. */
    private boolean accept(byte b) {
        switch (state) {
            case METHOD -> {
                if (b >= 'A' && b <= 'Z') {
                    length++;
                    return true;
                }
                if (length == 0 && (b == '\r' || b == '\n')) {
                    return true;
                }
                return next(b == ' ' && length > 0, State.TARGET);
            }
            case TARGET -> {
                if (b > 0x20 && b < 0x7F) {
                    length++;
                    return true;
                }
                return next(b == ' ' && length > 0, State.VERSION);
            }
            case VERSION -> {
                boolean ok = length < 5 ? b == HTTP_SLASH[length]
                        : length == 6 ? b == '.'
                        : length == 5 || length == 7 ? b >= '0' && b <= '9'
                        : b == '\r';
                length++;
                if (ok && length == 9) {
                    state = State.LF;
                }
                return ok;
            }
            case LF -> {
                state = null;
                return b == '\n';
            }
            default -> {
                return false;
            }
        }
    }

    private boolean next(boolean ok, State following) {
        state = following;
        length = 0;
        return ok;
    }
}
