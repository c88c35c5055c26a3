package dev.turnpike.security;

import io.netty.channel.EventLoop;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Brings a result computed on another thread (a password hash, a JWKS fetch, a Redis reply) back
 * to the event loop of the client's connection before the exchange goes on. Finishing a response
 * from a foreign thread races Reactor Netty's keep-alive bookkeeping: a request that arrives on
 * the connection in that window can be queued and never served.
 */
public final class EventLoopReturn {

    private EventLoopReturn() {
    }

    public static <T> Mono<T> of(Mono<T> result, ServerWebExchange exchange) {
        EventLoop loop = eventLoop(exchange);
        if (loop == null) {
            return result;
        }
        return result.flatMap(value -> loop.inEventLoop() ? Mono.just(value)
                : Mono.just(value).publishOn(Schedulers.fromExecutor(loop)));
    }

    /** The exchange's work, its completion delivered on the connection's event loop. */
    public static Mono<Void> completion(Mono<Void> work, ServerWebExchange exchange) {
        EventLoop loop = eventLoop(exchange);
        if (loop == null) {
            return work;
        }
        return work.then(Mono.defer(() -> loop.inEventLoop() ? Mono.<Void>empty()
                : Mono.<Void>empty().publishOn(Schedulers.fromExecutor(loop))));
    }

    /**
     * The event loop of the exchange's client connection; none for a request that did not come through Reactor Netty.
     */
    public static EventLoop eventLoop(ServerWebExchange exchange) {
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        return nativeRequest instanceof reactor.netty.Connection connection ? connection.channel().eventLoop() : null;
    }
}
