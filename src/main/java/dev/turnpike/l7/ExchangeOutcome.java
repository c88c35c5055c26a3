package dev.turnpike.l7;

import java.util.function.Consumer;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * How one pass through the rest of the filter chain ended, reported exactly once: an error as it
 * passes (before the error handler answers the client), otherwise a cancel or the response status
 * when the chain ends.
 */
final class ExchangeOutcome implements Consumer<SignalType> {

    enum Ending { ERROR, CANCEL, RESPONSE }

    /** Receives the ending and the status: for an error, the one the client will be sent; for a cancel, 0. */
    interface Listener {
        void ended(Ending ending, int status);
    }

    private final ServerWebExchange exchange;
    private final Listener listener;
    private boolean reported;

    private ExchangeOutcome(ServerWebExchange exchange, Listener listener) {
        this.exchange = exchange;
        this.listener = listener;
    }

    static Mono<Void> watch(Mono<Void> chain, ServerWebExchange exchange, Listener listener) {
        ExchangeOutcome outcome = new ExchangeOutcome(exchange, listener);
        return chain.doOnError(outcome::failed).doFinally(outcome);
    }

    private void failed(Throwable error) {
        report(Ending.ERROR, GatewayErrorHandler.classify(error).status().value());
    }

    @Override
    public void accept(SignalType signal) {
        if (signal == SignalType.CANCEL) {
            report(Ending.CANCEL, 0);
            return;
        }
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        report(Ending.RESPONSE, status == null ? 200 : status.value());
    }

    private void report(Ending ending, int status) {
        if (!reported) {
            reported = true;
            listener.ended(ending, status);
        }
    }
}
