package io.fanout.upstream;

import io.fanout.observe.CallTrace;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The observability hook of {@link TransportExchange}: puts an attempt's trace headers on the request it sends and
 * ends the attempt's span with the attempt's outcome. Kept apart so the transport's own code stays as it is.
 */
final class AttemptTracing {

    private AttemptTracing() {}

    /**
     * {@code request} with the attempt's {@code traceparent}/{@code tracestate} added last (so they replace any the
     * client sent through {@code forward-headers}: the upstream's parent is this attempt). Untouched when the
     * attempt has no trace headers (not traced) or the request is not HTTP-shaped.
     */
    static <R extends UpstreamRequest> R withTraceHeaders(Class<R> kind, R request, CallTrace.Attempt span) {
        if (span == CallTrace.Attempt.NONE || !(request instanceof UpstreamRequest.Http http)) {
            return request;
        }
        List<String> trace = span.headers();
        if (trace.isEmpty()) {
            return request;
        }
        List<String> own = http.headers();
        List<String> headers = new ArrayList<>(own.size() + trace.size());
        for (int i = 0; i < own.size(); i += 2) {
            if (!isTraceHeader(own.get(i))) {
                headers.add(own.get(i));
                headers.add(own.get(i + 1));
            }
        }
        headers.addAll(trace);
        return kind.cast(new UpstreamRequest.Http(
                http.method(), http.pathAndQuery(), headers, http.body(), http.requestId(), http.idempotent()));
    }

    private static boolean isTraceHeader(String name) {
        return name.equalsIgnoreCase("traceparent") || name.equalsIgnoreCase("tracestate");
    }

    /** Ends the attempt's span: a success when {@code failure} is null, else with the failure's error type. */
    static void end(CallTrace.Attempt span, @Nullable Throwable failure) {
        if (span == CallTrace.Attempt.NONE) {
            return;
        }
        if (failure == null) {
            span.end(null, null);
        } else {
            span.end(failure instanceof CallFailure f ? f.type().wireName() : "invalid-response", failure);
        }
    }
}
