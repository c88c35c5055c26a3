package dev.turnpike.l7.hygiene;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right after Netty's HTTP/1.1 decoder and lets through only requests whose framing is
 * unambiguous ({@link RequestRules}), whose target is clean ({@link RequestPaths}) and whose body
 * stays under the limit, counting chunked bodies as they arrive. A refused request gets an honest
 * status and {@code Connection: close}, and nothing of it reaches a route. It also times the
 * reading of each request head, against clients that send headers slowly to hold connections, and
 * carries out {@code Connection: close} ({@link ConnectionClose}).
 */
final class RequestHygieneHandler extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(RequestHygieneHandler.class);

    private static final long LINGER_MILLIS = 2000;

    private final HttpHardening settings;
    private ChannelHandlerContext ctx;

    private boolean refused;
    private Rejection pending;
    private int inFlight;
    private long bodyBytes;
    private boolean readingBody;
    private boolean responseStarted;
    private final ConnectionClose connectionClose = new ConnectionClose();

    private boolean awaitingHead = true;
    private boolean headBytesSeen;
    private long deadline;
    /** One pending task at most; it re-arms itself while the deadline moves, and is cancelled with the connection. */
    private ScheduledFuture<?> timer;

    RequestHygieneHandler(HttpHardening settings) {
        this.settings = settings;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            startHeaderTimer();
        }
    }

    /** Taken out when the connection turns out to speak HTTP/2: its timer must not fire any more. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline = 0;
        refused = true;
        cancelTimer();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startHeaderTimer();
        ctx.fireChannelActive();
    }

    /** The first request head is timed from the start: the connection exists to send it. */
    private void startHeaderTimer() {
        armTimer(settings.headerTimeoutNanos());
        headBytesSeen = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused || connectionClose.inputDone()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            awaitingHead = false;
            deadline = 0;
            Rejection rejection = check(request);
            if (rejection != null) {
                ReferenceCountUtil.release(msg);
                reject(rejection);
                return;
            }
            inFlight++;
            bodyBytes = 0;
            readingBody = true;
            connectionClose.requestHead(request);
        }
        if (msg instanceof HttpContent content) {
            if (content.decoderResult().isFailure()) {
                content.release();
                reject(decodingFailure(content.decoderResult()));
                return;
            }
            bodyBytes += content.content().readableBytes();
            if (bodyBytes > settings.maxBodyBytes()) {
                content.release();
                reject(Rejection.bodyTooLarge(settings.maxBodyBytes()));
                return;
            }
            if (content instanceof LastHttpContent) {
                readingBody = false;
                connectionClose.requestEnd();
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (awaitingHead && !headBytesSeen && inFlight == 0) {
            headBytesSeen = true;
            armTimer(settings.headerTimeoutNanos());
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            connectionClose.responseHead(response);
            responseStarted = !connectionClose.interimResponse();
        }
        if (msg instanceof LastHttpContent && !connectionClose.interimResponse()) {
            boolean close = connectionClose.responseEnd();
            if (inFlight > 0 || close) {
                ChannelFuture written = ctx.write(msg, promise.unvoid());
                if (inFlight > 0) {
                    written.addListener(f -> responseFinished());
                }
                if (close) {
                    written.addListener(ChannelFutureListener.CLOSE);
                }
                return;
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deadline = 0;
        cancelTimer();
        ctx.fireChannelInactive();
    }

    private void responseFinished() {
        inFlight--;
        responseStarted = false;
        if (inFlight > 0) {
            return;
        }
        if (pending != null) {
            send(pending);
        } else if (!readingBody) {
            awaitingHead = true;
            headBytesSeen = false;
            armTimer(settings.keepAliveTimeoutNanos());
        }
    }

    private Rejection check(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            return decodingFailure(request.decoderResult());
        }
        String uri = request.uri();
        if (RequestPaths.hasControlOrNonAscii(uri)) {
            return Rejection.TARGET_CHARACTER;
        }
        if (request.protocolVersion().majorVersion() != 1) {
            return new Rejection(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "version", "only HTTP/1.x here");
        }
        Rejection rejection = RequestRules.check(request, settings.maxBodyBytes());
        if (rejection != null) {
            return rejection;
        }
        RequestRules.dropH2cUpgrade(request.headers());
        String normalised = RequestPaths.normalise(uri);
        if (normalised == null) {
            return Rejection.AMBIGUOUS_PATH;
        }
        if (!normalised.equals(uri)) {
            request.setUri(normalised);
        }
        return null;
    }

    private static Rejection decodingFailure(DecoderResult result) {
        Throwable cause = result.cause();
        if (cause instanceof TooLongHttpLineException) {
            return new Rejection(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request-line-too-long", "request line too long");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers-too-large", "request headers too large");
        }
        if (cause instanceof TooLongFrameException) {
            return new Rejection(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too-large", "request too large");
        }
        String message = cause == null || cause.getMessage() == null ? "malformed request" : cause.getMessage();
        return Rejection.badRequest("malformed", RequestRules.printable(message));
    }

    /**
     * Refuses the request being read: no more input is read. A refused head waits for the answers
     * to earlier pipelined requests; a body refused before its answer began is answered at once;
     * one whose answer is already under way can only be cut off.
     */
    void reject(Rejection rejection) {
        if (refused) {
            return;
        }
        refused = true;
        deadline = 0;
        settings.rejected(rejection.reason());
        if (log.isDebugEnabled()) {
            log.debug("refused a request from {}: {} ({})", ctx.channel().remoteAddress(), rejection.detail(), rejection.status());
        }
        if (readingBody) {
            if (responseStarted) {
                ctx.close();
            } else {
                send(rejection);
            }
        } else if (inFlight > 0) {
            pending = rejection;
        } else {
            send(rejection);
        }
    }

    private void send(Rejection rejection) {
        byte[] body = rejection.body();
        ByteBuf content = Unpooled.wrappedBuffer(body);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, rejection.status(), content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(f -> lingeringClose());
    }

    /**
     * Closes after the answer, the way nginx's lingering close does: the write side first, then
     * whatever the client is still sending is read and dropped for a moment. Closing with unread
     * input makes the kernel send a reset, which can destroy the answer before the client reads it.
     */
    private void lingeringClose() {
        if (!(ctx.channel() instanceof io.netty.channel.socket.DuplexChannel duplex) || !duplex.isActive()) {
            ctx.close();
            return;
        }
        duplex.shutdownOutput().addListener(f -> {
            duplex.config().setAutoRead(true);
            ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    private void armTimer(long timeoutNanos) {
        deadline = System.nanoTime() + timeoutNanos;
        if (timer == null && ctx.channel().isActive()) {
            timer = ctx.executor().schedule(this::onTimer, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * A task left behind would hold the closed connection's whole pipeline until its deadline: under
     * many short connections that is seconds of dead connections surviving young collections.
     */
    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void onTimer() {
        timer = null;
        if (deadline == 0 || !ctx.channel().isActive()) {
            return;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining > 0) {
            timer = ctx.executor().schedule(this::onTimer, remaining, TimeUnit.NANOSECONDS);
            return;
        }
        if (!awaitingHead || inFlight > 0) {
            return;
        }
        if (headBytesSeen) {
            reject(new Rejection(HttpResponseStatus.REQUEST_TIMEOUT, "header-timeout", "request headers not received in time"));
        } else {
            ctx.close();
        }
    }
}
