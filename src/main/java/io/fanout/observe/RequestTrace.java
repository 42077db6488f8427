package io.fanout.observe;

import org.jspecify.annotations.Nullable;

/**
 * What one composite request (or batch job item) reports while it runs: the traces of its calls and how it ended.
 * Confined to the request; {@link #finished} or {@link #cancelled} is called once (a second call is ignored).
 */
public interface RequestTrace {

    /** The W3C trace id (32 hex digits) of the request, or null without tracing. */
    @Nullable
    String traceId();

    /**
     * The trace of one call.
     *
     * @param call     the call's name
     * @param upstream its upstream's name
     * @param item     the for-each element's index, or -1
     */
    CallTrace call(String call, String upstream, int item);

    /** A call that failed without sending any attempt (circuit open, bulkhead full, dependency failed, …). */
    void callFailed(String call, String upstream, String errorType);

    /**
     * The request finished with an answer.
     *
     * @param status            the answer's HTTP status
     * @param partial           true when the answer lists errors
     * @param errorType         the failed required call's error type, or null
     * @param durationNanos     the request's time
     * @param criticalPathNanos the time of its critical path of upstream calls
     */
    void finished(int status, boolean partial, @Nullable String errorType, long durationNanos, long criticalPathNanos);

    /** The client left (or the job item was cancelled) before the answer was complete. */
    void cancelled(long durationNanos);
}
