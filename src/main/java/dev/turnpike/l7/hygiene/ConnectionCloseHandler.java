package dev.turnpike.l7.hygiene;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Carries out a request's wish to close the connection ({@code Connection: close}, or HTTP/1.0
 * without keep-alive) here: the request goes on as a keep-alive one, its response goes out with
 * {@code Connection: close}, the connection closes once that response is written, and nothing the
 * client sent after that request is read.
 *
 * <p>Reactor Netty's {@code HttpTrafficHandler} applies such a request's wish as soon as it reads
 * it. When it arrives while an earlier response is still being written (pipelined, or sent by a
 * client that has read the whole response before the gateway has written its end), that earlier
 * response closes the connection and the request is never answered; when it arrives between the
 * end of a response and the end of that request's processing, it is never dispatched at all. A
 * client meets either whenever the gateway writes a response's end a moment after its body.
 */
final class ConnectionCloseHandler extends ChannelDuplexHandler {

    private int requests;
    private int responsesEnded;
    /** The number of the request whose response closes the connection; 0 while none has asked. */
    private int closingRequest;
    /** The closing request has been read in full: whatever follows it is dropped. */
    private boolean readingDone;
    private boolean informationalResponse;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (readingDone) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            requests++;
            if (!HttpUtil.isKeepAlive(request)) {
                closingRequest = requests;
                HttpUtil.setKeepAlive(request, true);
            }
        }
        if (closingRequest != 0 && msg instanceof LastHttpContent) {
            readingDone = true;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!readingDone) {
            ctx.read();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean closingResponse = closingRequest != 0 && responsesEnded + 1 == closingRequest;
        if (msg instanceof HttpResponse response) {
            informationalResponse = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            if (closingResponse && !informationalResponse) {
                HttpUtil.setKeepAlive(response, false);
            }
        }
        if (msg instanceof LastHttpContent && !informationalResponse) {
            responsesEnded++;
            if (closingResponse) {
                ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.write(msg, promise);
    }
}
