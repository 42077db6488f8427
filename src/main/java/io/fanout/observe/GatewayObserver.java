package io.fanout.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fanout's {@link RequestObserver}: records {@code fanout.request.overhead} for every request, writes the access log
 * when {@code fanout.access-log} is on, and, when a Micrometer {@link Tracer} is given, traces each request as a
 * span (continuing the client's W3C {@code traceparent}/{@code tracestate}, or starting a trace) with a child span
 * per upstream attempt. Spans are started with an explicit parent and never put in scope, so nothing depends on
 * thread-locals or on Reactor's context, and an unsampled trace costs ids and a few small objects, no export.
 */
public final class GatewayObserver implements RequestObserver {

    static final Logger ACCESS = LoggerFactory.getLogger("fanout.access");

    private static final Propagator.Getter<UnaryOperator<@Nullable String>> HEADER = (header, key) -> header.apply(key);

    private final @Nullable Tracer tracer;
    private final @Nullable Propagator propagator;
    private final boolean accessLog;
    private final MeterRegistry registry;
    private final Map<String, Timer> overhead = new ConcurrentHashMap<>();

    /**
     * @param tracer     the tracer, or null when tracing is off
     * @param propagator the W3C propagator that goes with it (null when tracing is off)
     * @param accessLog  true to log one line per composite request
     * @param registry   where {@code fanout.request.overhead} goes
     */
    public GatewayObserver(
            @Nullable Tracer tracer, @Nullable Propagator propagator, boolean accessLog, MeterRegistry registry) {
        this.tracer = tracer == null || tracer == Tracer.NOOP || propagator == null ? null : tracer;
        this.propagator = this.tracer == null ? null : propagator;
        this.accessLog = accessLog;
        this.registry = registry;
    }

    @Override
    public RequestTrace begin(
            String endpoint,
            String method,
            String route,
            String requestId,
            @Nullable String clientId,
            boolean batch,
            UnaryOperator<@Nullable String> header) {
        Span span = null;
        Tracer t = tracer;
        Propagator p = propagator;
        if (t != null && p != null) {
            // a live request continues the client's trace (or starts one); a job item always starts its own
            Span.Builder b = batch ? t.spanBuilder().setNoParent() : p.extract(header, HEADER);
            span = b.name(batch ? "job item " + endpoint : method + " " + route)
                    .kind(batch ? Span.Kind.CONSUMER : Span.Kind.SERVER)
                    .start();
            // tags only on a recorded span: an unsampled one would drop them, after the builder had stored them
            if (!span.isNoop()) {
                span.tag("fanout.endpoint", endpoint)
                        .tag("fanout.request_id", requestId)
                        .tag("http.request.method", method)
                        .tag("http.route", route);
            }
        }
        return new ObservedRequest(this, endpoint, method, route, requestId, clientId, batch, span);
    }

    Timer overheadTimer(String endpoint) {
        Timer timer = overhead.get(endpoint);
        if (timer == null) {
            timer = overhead.computeIfAbsent(
                    endpoint,
                    e -> Timer.builder("fanout.request.overhead")
                            .description("Time of a composite request minus the critical path of its upstream calls")
                            .tag("endpoint", e)
                            .register(registry));
        }
        return timer;
    }

    boolean accessLog() {
        return accessLog;
    }

    /** The span of one attempt, a child of {@code parent}, with the trace headers it sends. */
    Span attemptSpan(Span parent, String call, String upstream, int item, int number) {
        Tracer t = tracer;
        if (t == null) {
            throw new IllegalStateException("not tracing");
        }
        Span span = t.spanBuilder()
                .setParent(parent.context())
                .name("call " + call)
                .kind(Span.Kind.CLIENT)
                .start();
        if (!span.isNoop()) {
            span.tag("fanout.call", call)
                    .tag("fanout.upstream", upstream)
                    .tag("fanout.attempt", Integer.toString(number));
            if (item >= 0) {
                span.tag("fanout.item", Integer.toString(item));
            }
        }
        return span;
    }

    /** {@code traceparent} (and {@code tracestate} when there is one) of {@code span}, as name/value pairs. */
    List<String> headers(Span span) {
        Propagator p = propagator;
        if (p == null) {
            return List.of();
        }
        HeaderPairs pairs = new HeaderPairs();
        p.inject(span.context(), pairs, HeaderPairs::add);
        return pairs.list();
    }

    /** A span for a call that failed before any attempt was sent, ended at once with its error. */
    void failedCallSpan(Span parent, String call, String upstream, String errorType) {
        Tracer t = tracer;
        if (t == null) {
            return;
        }
        Span s = t.spanBuilder()
                .setParent(parent.context())
                .name("call " + call)
                .tag("fanout.call", call)
                .tag("fanout.upstream", upstream)
                .tag("fanout.attempt", "0")
                .tag("error.type", errorType)
                .start();
        s.error(new TracedFailure(errorType));
        s.end();
    }

    /** What a span records as its error: the SPEC error type, no stack trace (nothing here is a bug). */
    static final class TracedFailure extends RuntimeException {
        TracedFailure(String message) {
            super(message, null, false, false);
        }
    }

    /** Collects injected headers as name/value pairs. */
    private static final class HeaderPairs {
        private String @Nullable [] pairs;
        private int size;

        void add(String name, String value) {
            String[] p = pairs;
            if (p == null) {
                p = new String[4];
            } else if (size == p.length) {
                p = java.util.Arrays.copyOf(p, size * 2);
            }
            p[size++] = name;
            p[size++] = value;
            pairs = p;
        }

        List<String> list() {
            String[] p = pairs;
            return p == null ? List.of() : java.util.Arrays.asList(p).subList(0, size);
        }
    }
}
