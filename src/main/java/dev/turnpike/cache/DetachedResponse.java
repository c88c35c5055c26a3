package dev.turnpike.cache;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A response no client waits for: a background refresh writes into it, and it keeps status,
 * headers and body for the cache. Nothing reaches any connection.
 */
final class DetachedResponse extends AbstractServerHttpResponse {

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    DetachedResponse(DataBufferFactory buffers) {
        super(buffers);
    }

    byte[] body() {
        return body.toByteArray();
    }

    @Override
    public <T> T getNativeResponse() {
        throw new IllegalStateException("a detached response has no native response");
    }

    @Override
    protected Mono<Void> writeWithInternal(Publisher<? extends DataBuffer> content) {
        return Flux.from(content).doOnNext(buffer -> {
            int length = buffer.readableByteCount();
            ByteBuffer bytes = ByteBuffer.allocate(length);
            buffer.toByteBuffer(buffer.readPosition(), bytes, 0, length);
            body.write(bytes.array(), 0, length);
            DataBufferUtils.release(buffer);
        }).then();
    }

    @Override
    protected Mono<Void> writeAndFlushWithInternal(Publisher<? extends Publisher<? extends DataBuffer>> content) {
        return writeWithInternal(Flux.from(content).concatMap(Flux::from));
    }

    @Override
    protected void applyStatusCode() {
    }

    @Override
    protected void applyHeaders() {
    }

    @Override
    protected void applyCookies() {
    }
}
