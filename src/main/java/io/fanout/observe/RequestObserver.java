package io.fanout.observe;

import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/** Starts the {@link RequestTrace} of each composite request and batch job item. */
public interface RequestObserver {

    /** Observes nothing (engines built without one, e.g. in unit tests and benchmarks). */
    RequestObserver NONE = new RequestObserver() {
        @Override
        public RequestTrace begin(
                String endpoint,
                String method,
                String route,
                String requestId,
                @Nullable String clientId,
                boolean batch,
                UnaryOperator<@Nullable String> header) {
            return Unobserved.INSTANCE;
        }
    };

    /**
     * @param endpoint  the endpoint's name
     * @param method    its HTTP method
     * @param route     its route template ({@code /users/{id}})
     * @param requestId the request's id
     * @param clientId  who is calling (SPEC §8: the client id of an endpoint with {@code auth}), else null
     * @param batch     true for a batch job item (never continues a client's trace; no access-log line)
     * @param header    the client's headers by lower-case name ({@code traceparent}, {@code tracestate})
     */
    RequestTrace begin(
            String endpoint,
            String method,
            String route,
            String requestId,
            @Nullable String clientId,
            boolean batch,
            UnaryOperator<@Nullable String> header);

    /** The trace of a request nobody observes. */
    final class Unobserved implements RequestTrace {
        static final Unobserved INSTANCE = new Unobserved();

        private Unobserved() {}

        @Override
        public @Nullable String traceId() {
            return null;
        }

        @Override
        public CallTrace call(String call, String upstream, int item) {
            return CallTrace.NONE;
        }

        @Override
        public void callFailed(String call, String upstream, String errorType) {}

        @Override
        public void finished(
                int status, boolean partial, @Nullable String errorType, long durationNanos, long criticalPathNanos) {}

        @Override
        public void cancelled(long durationNanos) {}
    }
}
