package io.fanout.upstream.blocking;

/**
 * A blocking client Fanout can call as an upstream ({@code kind: java}): a vendor SDK, a legacy library, anything
 * without a non-blocking API. Fanout creates one instance per compiled upstream (public no-argument constructor),
 * on one of the upstream's own threads at its first call, and calls {@link #fetch(BlockingCall)} on those threads
 * only: at most {@code pool-size} at once, so an implementation may block freely but must be thread-safe.
 *
 * <pre>{@code
 * upstreams:
 *   vendor:
 *     kind: java
 *     class: com.example.VendorSource
 *     pool-size: 4
 *     timeout: 300ms
 * endpoints:
 *   overview:
 *     path: /v1/users/{id}
 *     calls:
 *       profile: { upstream: vendor, path: /profiles/{path.id}, query: { fields: "{query.fields|all}" } }
 * }</pre>
 *
 * <p>Every policy of the upstream (timeout, bulkhead, rate limit, retry, circuit breaker, cache, coalescing) and its
 * metrics apply as for an HTTP upstream. When a call is cancelled (its timeout, the request's deadline, a client
 * disconnect, fail-fast), the thread running {@code fetch} is <b>interrupted</b>: blocking code should let
 * {@link InterruptedException} escape, or check {@link Thread#isInterrupted()} in loops.
 */
public interface BlockingSource extends AutoCloseable {

    /**
     * Answers one call. The result is written as the call's JSON answer (Jackson: maps, lists, records, strings,
     * numbers, booleans, null, or a {@code tools.jackson.databind.JsonNode}). Throw
     * {@code io.fanout.upstream.CallFailure} to answer a specific error (e.g. {@code CallFailure.status(name, 404,
     * null)} for "not found"); any other exception is the upstream failing ({@code upstream-status} 500).
     */
    Object fetch(BlockingCall call) throws Exception;

    /** Called once when the upstream is replaced or Fanout stops, on one of the upstream's threads. */
    @Override
    default void close() throws Exception {}
}
