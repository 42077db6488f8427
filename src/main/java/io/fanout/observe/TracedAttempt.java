package io.fanout.observe;

import io.micrometer.tracing.Span;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;

/** The span of one upstream attempt: started when the transport sends it, ended by its first terminal signal. */
final class TracedAttempt implements CallTrace.Attempt {

    private static final AtomicIntegerFieldUpdater<TracedAttempt> DONE =
            AtomicIntegerFieldUpdater.newUpdater(TracedAttempt.class, "done");

    private final GatewayObserver observer;
    private final Span span;
    private volatile int done;

    TracedAttempt(GatewayObserver observer, Span span) {
        this.observer = observer;
        this.span = span;
    }

    @Override
    public String traceId() {
        return span.context().traceId();
    }

    @Override
    public List<String> headers() {
        return observer.headers(span);
    }

    @Override
    public void end(@Nullable String errorType, @Nullable Throwable error) {
        if (!DONE.compareAndSet(this, 0, 1)) {
            return;
        }
        if (errorType != null && !span.isNoop()) {
            span.tag("error.type", errorType);
            span.error(error != null ? error : new GatewayObserver.TracedFailure(errorType));
        }
        span.end();
    }

    @Override
    public void cancel() {
        if (DONE.compareAndSet(this, 0, 1)) {
            span.tag("fanout.cancelled", "true").end();
        }
    }
}
