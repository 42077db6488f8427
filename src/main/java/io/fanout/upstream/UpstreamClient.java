package io.fanout.upstream;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The transport of one upstream: sends one attempt and answers its 2xx response, or fails with a
 * {@link CallFailure}. Implementations are built once per compiled config and shared by all requests, and run
 * every exchange through a {@link TransportExchange}, so an answer with data always holds one JSON value.
 * Cancelling the returned Mono must abort the attempt (close the connection, cancel the statement).
 */
public interface UpstreamClient extends AutoCloseable {

    /**
     * Sends the call and answers its 2xx response. A plain transport sends one attempt bounded by
     * {@code min(budget.attemptTimeout(), budget.remainingMillis())}, headers and body included, and calls
     * {@link CallBudget#recordAttempt()} once; policy decorators may send several. A 2xx body that is not JSON
     * fails with {@code invalid-response} ({@link UpstreamResponse#hasData()} tells which answers carry one).
     */
    Mono<UpstreamResponse> exchange(UpstreamRequest request, CallBudget budget);

    /** Opens connections and loads classes so the first real request does not pay for it. */
    default Mono<Void> warmUp() {
        return Mono.empty();
    }

    /**
     * What protects this upstream right now (circuit, bulkhead, rate limiter, recent latency and errors); null for a
     * bare transport, which has no policies to report.
     */
    default @Nullable UpstreamStatus status() {
        return null;
    }

    /** Releases pools and threads; the client is not used afterwards. */
    @Override
    default void close() {}
}
