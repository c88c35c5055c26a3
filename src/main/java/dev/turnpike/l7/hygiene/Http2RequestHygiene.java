package dev.turnpike.l7.hygiene;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/2 counterpart of {@link RequestHygieneHandler}, between Netty's HTTP/2 frame codec and
 * the stream multiplexer: each request's {@code :path} is normalised or refused by the same
 * {@link RequestPaths} rules, and its body is held to the same limit, by Content-Length up front
 * and by counting DATA frames. A refused stream is answered (when its answer has not begun) and
 * reset; the connection and its other streams go on. Framing floods (resets, CONTINUATION,
 * stream counts, header sizes) are stopped by the codec's own limits.
 */
final class Http2RequestHygiene extends ChannelDuplexHandler {

    /** Where a stream's request stands. */
    private static final class RequestState {
        long bodyBytes;
        boolean answered;
        boolean refused;
    }

    private static final Logger log = LoggerFactory.getLogger(Http2RequestHygiene.class);

    private final HttpHardening settings;
    private final IntObjectMap<RequestState> streams = new IntObjectHashMap<>();
    private boolean goAwayReceived;

    Http2RequestHygiene(HttpHardening settings) {
        this.settings = settings;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame headers) {
            onHeaders(ctx, headers);
        } else if (msg instanceof Http2DataFrame data) {
            onData(ctx, data);
        } else {
            if (msg instanceof Http2ResetFrame reset) {
                streams.remove(reset.stream().id());
            } else if (msg instanceof Http2GoAwayFrame) {
                goAwayReceived = true;
                closeIfDone(ctx);
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** After the client's GOAWAY, the connection closes once its last stream has ended. */
    private void closeIfDone(ChannelHandlerContext ctx) {
        if (!goAwayReceived) {
            return;
        }
        Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
        if (codec != null && codec.connection().numActiveStreams() == 0) {
            ctx.close();
        }
    }

    private void onHeaders(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
        int id = frame.stream().id();
        RequestState state = streams.get(id);
        if (state != null) {
            if (state.refused) {
                return;
            }
            if (frame.isEndStream()) {
                streams.remove(id);
            }
            ctx.fireChannelRead(frame);
            return;
        }
        state = new RequestState();
        if (!hasRequestPseudoHeaders(frame.headers())) {
            state.refused = true;
            streams.put(id, state);
            settings.rejected("h2-malformed");
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR).stream(frame.stream()));
            return;
        }
        Rejection rejection = check(frame.headers());
        if (!frame.isEndStream() || rejection != null) {
            streams.put(id, state);
        }
        if (rejection != null) {
            refuse(ctx, frame.stream(), state, rejection, !frame.isEndStream());
            return;
        }
        ctx.fireChannelRead(frame);
    }

    private void onData(ChannelHandlerContext ctx, Http2DataFrame data) {
        int id = data.stream().id();
        RequestState state = streams.get(id);
        if (state != null && !state.refused) {
            state.bodyBytes += data.content().readableBytes();
            if (state.bodyBytes > settings.maxBodyBytes()) {
                refuse(ctx, data.stream(), state, Rejection.bodyTooLarge(settings.maxBodyBytes()), !data.isEndStream());
            }
        }
        if (state != null && state.refused) {
            giveBackWindow(ctx, data);
            data.release();
            return;
        }
        if (data.isEndStream()) {
            streams.remove(id);
        }
        ctx.fireChannelRead(data);
    }

    /** RFC 9113 8.3.1: a request has :method, and :scheme and :path unless it is a CONNECT. */
    private static boolean hasRequestPseudoHeaders(Http2Headers headers) {
        if (headers.method() == null) {
            return false;
        }
        return "CONNECT".contentEquals(headers.method()) || headers.scheme() != null && headers.path() != null;
    }

    private Rejection check(Http2Headers headers) {
        CharSequence path = headers.path();
        if (path != null) {
            String target = path.toString();
            if (RequestPaths.hasControlOrNonAscii(target)) {
                return Rejection.TARGET_CHARACTER;
            }
            String normalised = RequestPaths.normalise(target);
            if (normalised == null) {
                return Rejection.AMBIGUOUS_PATH;
            }
            if (!normalised.equals(target)) {
                headers.path(normalised);
            }
        }
        CharSequence length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.toString().trim()) > settings.maxBodyBytes()) {
                    return Rejection.bodyTooLarge(settings.maxBodyBytes());
                }
            } catch (NumberFormatException e) {
                return Rejection.badRequest("content-length", "invalid Content-Length");
            }
        }
        return null;
    }

    /** Answers the stream (unless its answer has begun) and resets it if the client is still sending. */
    private void refuse(ChannelHandlerContext ctx, Http2FrameStream stream, RequestState state, Rejection rejection, boolean requestOpen) {
        state.refused = true;
        settings.rejected(rejection.reason());
        if (!state.answered) {
            state.answered = true;
            byte[] body = rejection.body();
            Http2Headers headers = new DefaultHttp2Headers().status(rejection.status().codeAsText())
                    .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            ctx.write(new DefaultHttp2HeadersFrame(headers, false).stream(stream));
            ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true).stream(stream));
        }
        if (requestOpen) {
            ctx.write(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(stream));
        }
        ctx.flush();
    }

    /** A dropped DATA frame still counts against flow control until its bytes are given back. */
    private static void giveBackWindow(ChannelHandlerContext ctx, Http2DataFrame data) {
        int bytes = data.initialFlowControlledBytes();
        if (bytes > 0 && data.stream().state() != Http2Stream.State.CLOSED) {
            ctx.write(new DefaultHttp2WindowUpdateFrame(bytes).stream(data.stream()));
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Http2HeadersFrame headers && headers.stream() != null) {
            RequestState state = streams.get(headers.stream().id());
            if (state != null) {
                if (state.refused) {
                    ReferenceCountUtil.release(msg);
                    promise.setSuccess();
                    return;
                }
                state.answered = true;
            }
        } else if (msg instanceof Http2DataFrame data && data.stream() != null) {
            RequestState state = streams.get(data.stream().id());
            if (state != null && state.refused) {
                data.release();
                promise.setSuccess();
                return;
            }
        }
        ctx.write(msg, promise);
    }

    /**
     * A connection error the codec has already answered with GOAWAY and a close (a flood, a
     * protocol violation): counted, without a stack trace in the log.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2FrameStreamException streamError) {
            // The codec leaves inbound stream errors to the handlers after it; the client is owed
            // RST_STREAM with the error's own code, and the stream's request is then cancelled.
            settings.rejected("h2-stream-" + streamError.error().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            if (streamError.stream().state() != Http2Stream.State.CLOSED) {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(streamError.error()).stream(streamError.stream()));
            }
            return;
        }
        if (cause instanceof Http2Exception http2) {
            settings.rejected("h2-" + http2.error().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            log.debug("HTTP/2 connection from {} ended: {}", ctx.channel().remoteAddress(), cause.getMessage());
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        ctx.fireUserEventTriggered(event);
        if (event instanceof Http2FrameStreamEvent streamEvent && streamEvent.stream().state() == Http2Stream.State.CLOSED) {
            streams.remove(streamEvent.stream().id());
            closeIfDone(ctx);
        }
    }
}
