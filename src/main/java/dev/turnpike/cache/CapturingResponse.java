package dev.turnpike.cache;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Streams a backend response to the client unchanged while keeping a copy of its body, up to a
 * limit; once the response is complete and the copy whole, it is handed on to be stored. A body
 * over the limit is streamed through and not kept. Whether to keep anything is decided when the
 * status and headers are known, just before the first byte.
 */
final class CapturingResponse extends ServerHttpResponseDecorator {

    private final int maxBytes;
    private final Predicate<ServerHttpResponse> worthKeeping;
    private final Consumer<byte[]> whenComplete;

    CapturingResponse(ServerHttpResponse delegate, int maxBytes, Predicate<ServerHttpResponse> worthKeeping,
                      Consumer<byte[]> whenComplete) {
        super(delegate);
        this.maxBytes = maxBytes;
        this.worthKeeping = worthKeeping;
        this.whenComplete = whenComplete;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        if (!worthKeeping.test(getDelegate())) {
            return super.writeWith(body);
        }
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        boolean[] overLimit = {false};
        Flux<? extends DataBuffer> teed = Flux.from(body).doOnNext(buffer -> {
            int length = buffer.readableByteCount();
            if (overLimit[0] || copy.size() + length > maxBytes) {
                overLimit[0] = true;
                return;
            }
            ByteBuffer bytes = ByteBuffer.allocate(length);
            buffer.toByteBuffer(buffer.readPosition(), bytes, 0, length);
            copy.write(bytes.array(), 0, length);
        });
        return super.writeWith(teed).doOnSuccess(done -> {
            if (!overLimit[0]) {
                whenComplete.accept(copy.toByteArray());
            }
        });
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        return super.writeAndFlushWith(body);
    }

    @Override
    public Mono<Void> setComplete() {
        if (!isCommitted() && worthKeeping.test(getDelegate())) {
            return super.setComplete().doOnSuccess(done -> whenComplete.accept(new byte[0]));
        }
        return super.setComplete();
    }
}
