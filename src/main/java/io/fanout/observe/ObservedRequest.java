package io.fanout.observe;

import io.micrometer.tracing.Span;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;

/** One request's {@link RequestTrace}: its span (when traced), its overhead and its access-log line. */
final class ObservedRequest implements RequestTrace {

    /** nginx's "client closed request": what the access log says of a request the client left. */
    static final int CLIENT_CLOSED = 499;

    private static final AtomicIntegerFieldUpdater<ObservedRequest> DONE =
            AtomicIntegerFieldUpdater.newUpdater(ObservedRequest.class, "done");

    private final GatewayObserver observer;
    private final String endpoint;
    private final String method;
    private final String route;
    private final String requestId;
    private final boolean batch;
    private final @Nullable Span span;
    private final @Nullable String traceId;
    private final @Nullable String clientId;
    private volatile int done;

    ObservedRequest(
            GatewayObserver observer,
            String endpoint,
            String method,
            String route,
            String requestId,
            @Nullable String clientId,
            boolean batch,
            @Nullable Span span) {
        this.observer = observer;
        this.endpoint = endpoint;
        this.method = method;
        this.route = route;
        this.requestId = requestId;
        this.clientId = clientId;
        this.batch = batch;
        this.span = span;
        this.traceId = span == null ? null : span.context().traceId();
    }

    @Override
    public @Nullable String traceId() {
        return traceId;
    }

    @Override
    public CallTrace call(String call, String upstream, int item) {
        Span parent = span;
        if (parent == null) {
            return CallTrace.NONE;
        }
        return number -> new TracedAttempt(observer, observer.attemptSpan(parent, call, upstream, item, number));
    }

    @Override
    public void callFailed(String call, String upstream, String errorType) {
        Span parent = span;
        if (parent != null && !parent.isNoop()) {
            observer.failedCallSpan(parent, call, upstream, errorType);
        }
    }

    @Override
    public void finished(
            int status, boolean partial, @Nullable String errorType, long durationNanos, long criticalPathNanos) {
        if (!DONE.compareAndSet(this, 0, 1)) {
            return;
        }
        observer.overheadTimer(endpoint).record(Math.max(0, durationNanos - criticalPathNanos), TimeUnit.NANOSECONDS);
        Span s = span;
        if (s != null) {
            if (!s.isNoop()) {
                s.tag("http.response.status_code", Integer.toString(status))
                        .tag("fanout.partial", Boolean.toString(partial));
                if (errorType != null) {
                    s.tag("error.type", errorType).error(new GatewayObserver.TracedFailure(errorType));
                }
            }
            s.end();
        }
        if (!batch && observer.accessLog()) {
            log(status, partial, durationNanos);
        }
    }

    @Override
    public void cancelled(long durationNanos) {
        if (!DONE.compareAndSet(this, 0, 1)) {
            return;
        }
        Span s = span;
        if (s != null) {
            if (!s.isNoop()) {
                s.tag("fanout.cancelled", "true");
            }
            s.end();
        }
        if (!batch && observer.accessLog()) {
            log(CLIENT_CLOSED, false, durationNanos);
        }
    }

    private void log(int status, boolean partial, long durationNanos) {
        LogKeys k = LogKeys.current();
        double duration = Math.round(durationNanos / 1_000.0) / 1_000.0; // ms, to the microsecond
        var line = GatewayObserver.ACCESS
                .atInfo()
                .addKeyValue(k.method(), method)
                .addKeyValue(k.route(), route)
                .addKeyValue(k.status(), status)
                .addKeyValue(k.durationMs(), duration)
                .addKeyValue(k.partial(), partial)
                .addKeyValue(k.requestId(), requestId)
                .addKeyValue(k.endpoint(), endpoint);
        if (traceId != null) {
            line = line.addKeyValue(k.traceId(), traceId);
        }
        if (clientId != null) {
            line = line.addKeyValue(k.clientId(), clientId);
        }
        line.log("{} {} {} {}ms partial={} request={}", method, route, status, duration, partial, requestId);
    }
}
