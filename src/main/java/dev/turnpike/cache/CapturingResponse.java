package dev.turnpike.cache;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stands between the backend's response and the client. When the status and headers are known,
 * just before the first byte, a decision is made: pass the response through; pass it through
 * while keeping a copy of the body (up to a limit; a body over it is streamed and not kept); or
 * answer with something else instead (a stored entry, after a 304 or a failure), dropping the
 * backend's body.
 */
final class CapturingResponse extends ServerHttpResponseDecorator {

    /** What to do with the backend's response. */
    sealed interface Decision {
    }

    record Pass() implements Decision {
    }

    record Keep(Consumer<byte[]> store) implements Decision {
    }

    record Replace(Supplier<Mono<Void>> answer) implements Decision {
    }

    static final Decision PASS = new Pass();

    private final int maxBytes;
    private final Function<ServerHttpResponse, Decision> decide;
    private boolean decided;

    CapturingResponse(ServerHttpResponse delegate, int maxBytes, Function<ServerHttpResponse, Decision> decide) {
        super(delegate);
        this.maxBytes = maxBytes;
        this.decide = decide;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        Decision decision = decideOnce();
        if (decision instanceof Replace replace) {
            return Flux.from(body).doOnNext(DataBufferUtils::release).then(Mono.defer(replace.answer()));
        }
        if (!(decision instanceof Keep keep)) {
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
                keep.store().accept(copy.toByteArray());
            }
        });
    }

    @Override
    public Mono<Void> setComplete() {
        if (isCommitted()) {
            return super.setComplete();
        }
        Decision decision = decideOnce();
        if (decision instanceof Replace replace) {
            return replace.answer().get();
        }
        if (decision instanceof Keep keep) {
            return super.setComplete().doOnSuccess(done -> keep.store().accept(new byte[0]));
        }
        return super.setComplete();
    }

    private Decision decideOnce() {
        if (decided) {
            return PASS;
        }
        decided = true;
        return decide.apply(getDelegate());
    }
}
