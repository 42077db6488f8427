package io.fanout.observe;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The trace of one upstream call (one for-each element counts as one call): every attempt the transport sends is a
 * child span of the request's span, numbered as the call's attempts are (first, retries and hedges alike).
 */
public interface CallTrace {

    /** No tracing: attempts cost nothing and send no trace headers. */
    CallTrace NONE = number -> Attempt.NONE;

    /** Starts the span of attempt {@code number} (1 for the first); the transport ends it. */
    Attempt attempt(int number);

    /** One attempt's span. Ending twice (an answer racing a cancel) is harmless: the first end wins. */
    interface Attempt {

        /** No span. */
        Attempt NONE = new Attempt() {
            @Override
            public List<String> headers() {
                return List.of();
            }

            @Override
            public void end(@Nullable String errorType, @Nullable Throwable error) {}

            @Override
            public void cancel() {}
        };

        /** The trace id, for log lines about the attempt (null when not traced). */
        default @Nullable String traceId() {
            return null;
        }

        /** Trace headers to send with this attempt ({@code traceparent}, {@code tracestate}) as name/value pairs. */
        List<String> headers();

        /** Ends the span; {@code errorType} (a SPEC error type) and {@code error} null on success. */
        void end(@Nullable String errorType, @Nullable Throwable error);

        /** Ends the span of an attempt that was cancelled (a hedge that lost, a timeout, a client that left). */
        void cancel();
    }
}
