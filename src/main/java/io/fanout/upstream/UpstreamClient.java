package io.fanout.upstream;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * The transport of one upstream: sends one attempt and answers its 2xx response, or fails with a
 * {@link CallFailure}. Implementations are built once per compiled config and shared by all requests.
 * Cancelling the returned Mono must abort the attempt (close the connection, cancel the statement).
 */
public interface UpstreamClient extends AutoCloseable {

    /** Sends one attempt; {@code timeout} bounds the whole attempt, headers and body included. */
    Mono<UpstreamResponse> exchange(UpstreamRequest request, Duration timeout);

    /** Opens connections and loads classes so the first real request does not pay for it. */
    default Mono<Void> warmUp() {
        return Mono.empty();
    }

    /** Releases pools and threads; the client is not used afterwards. */
    @Override
    default void close() {
    }
}
