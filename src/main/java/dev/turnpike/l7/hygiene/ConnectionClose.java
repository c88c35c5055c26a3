package dev.turnpike.l7.hygiene;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Carries out a request's wish to close the connection ({@code Connection: close}, or HTTP/1.0
 * without keep-alive) for one HTTP/1.1 connection: the request goes on as a keep-alive one, its
 * response goes out with {@code Connection: close}, the connection closes once that response is
 * written, and nothing the client sent after that request is taken.
 *
 * <p>Reactor Netty's {@code HttpTrafficHandler} applies such a request's wish as soon as it reads
 * it. When it arrives while an earlier response is still being written (pipelined, or sent by a
 * client that has read the whole response before the gateway has written its end), that earlier
 * response closes the connection and the request is never answered; when it arrives between the
 * end of a response and the end of that request's processing, it is never dispatched at all. A
 * client meets either whenever the gateway writes a response's end a moment after its body.
 *
 * <p>{@link RequestHygieneHandler} drives it, rather than a handler of its own: every handler
 * between the decoder and Reactor Netty deepens the call chain the whole request runs under, and
 * as a handler of its own this cost about 9% of L7 throughput (bench/RESULTS.md).
 */
final class ConnectionClose {

    private int requests;
    private int responsesEnded;
    /** The number of the request whose response closes the connection; 0 while none has asked. */
    private int closingRequest;
    private boolean inputDone;
    private boolean informationalResponse;

    /** A request head going on to routing. */
    void requestHead(HttpRequest request) {
        requests++;
        if (!HttpUtil.isKeepAlive(request)) {
            closingRequest = requests;
            HttpUtil.setKeepAlive(request, true);
        }
    }

    /** The end of a request going on to routing. */
    void requestEnd() {
        if (closingRequest != 0) {
            inputDone = true;
        }
    }

    /** True once the request that asked to close has been taken in full: what follows is dropped. */
    boolean inputDone() {
        return inputDone;
    }

    /** A response head going out; the closing request's says {@code Connection: close}. */
    void responseHead(HttpResponse response) {
        informationalResponse = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (!informationalResponse && closingRequest == responsesEnded + 1) {
            HttpUtil.setKeepAlive(response, false);
        }
    }

    /** A 100 Continue ends as a full message of its own, but ends no exchange. */
    boolean interimResponse() {
        return informationalResponse;
    }

    /** The end of a final response going out; true when the connection closes once it is written. */
    boolean responseEnd() {
        responsesEnded++;
        return responsesEnded == closingRequest;
    }
}
