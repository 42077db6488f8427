package io.fanout.engine;

import io.fanout.definition.OnFailure;
import io.fanout.json.JsonCodec;
import io.fanout.observe.LogKeys;
import io.fanout.observe.RequestObserver;
import io.fanout.observe.RequestTrace;
import io.fanout.plan.CallPlan;
import io.fanout.plan.EndpointPlan;
import io.fanout.plan.ForEach;
import io.fanout.plan.RequestOutcome;
import io.fanout.template.TemplateScope;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.fanout.upstream.UpstreamRequest;
import io.fanout.upstream.UpstreamResponse;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * One request's run of an endpoint plan. Each call starts as soon as the calls it references are done (a
 * {@link Sinks.One} per referenced call signals completion), independent calls run concurrently, every call is
 * bounded by min(its timeout, time left before the deadline), and cancelling the outcome stream cancels every call
 * still in flight. Outcomes arrive in completion order; {@link #outcome(int)} gives them by call afterwards.
 *
 * <p>Why one class of ~470 lines: it is one request's state (the referenced trees, the done signals, the outcomes,
 * the cancellation) and the steps that change it (start a call, fan out a {@code for-each}, turn an answer into an
 * outcome); the rendering, the plans, templates and transports are in their own packages.
 */
public final class Execution {

    private static final Logger log = LoggerFactory.getLogger(Execution.class);

    private final EndpointPlan plan;
    private final RequestInput input;
    private final boolean batch;
    private final long startNanos;
    private final long deadlineMillis;
    private final List<String> forwarded;
    private final CallOutcome[] outcomes; // null until the call is done; all set once the run is over
    private final RequestScope scope;
    private final Sinks.@Nullable One<CallOutcome>[] done;
    private final RequestTrace trace;
    private volatile @Nullable CallOutcome firstRequiredFailure;

    @SuppressWarnings("unchecked")
    Execution(EndpointPlan plan, RequestInput input, boolean batch, RequestObserver observer) {
        this.plan = plan;
        this.input = input;
        this.batch = batch;
        this.startNanos = System.nanoTime();
        this.deadlineMillis = CallBudget.now() + plan.deadline().toMillis();
        int n = plan.calls().size();
        this.outcomes = new CallOutcome[n];
        this.scope = new RequestScope(input, n);
        this.done = new Sinks.One[n];
        for (CallPlan c : plan.calls()) {
            if (c.referenced()) {
                done[c.index()] = Sinks.unsafe().one();
            }
        }
        this.forwarded = forwardedHeaders(plan, input);
        this.trace = observer.begin(
                plan.name(),
                plan.method(),
                plan.route().text(),
                input.requestId(),
                input.client() == null ? null : input.client().id(),
                batch,
                input.header());
    }

    /**
     * The client headers listed in {@code forward-headers}, minus any the client names in its {@code Connection}
     * header: those are hop-by-hop for this request (RFC 9110 §7.6.1), so they stop here even when listed.
     */
    private static List<String> forwardedHeaders(EndpointPlan plan, RequestInput input) {
        if (plan.forwardHeaders().isEmpty()) {
            return List.of();
        }
        String connection = input.header().apply("connection");
        List<String> out = new ArrayList<>(plan.forwardHeaders().size() * 2);
        for (String name : plan.forwardHeaders()) {
            String v = input.header().apply(name);
            if (v != null && (connection == null || !listsToken(connection, name))) {
                out.add(name);
                out.add(v);
            }
        }
        return out;
    }

    /** True when the comma-separated {@code list} holds {@code token} (case-insensitive, whitespace trimmed). */
    static boolean listsToken(String list, String token) {
        int from = 0;
        while (from <= list.length()) {
            int comma = list.indexOf(',', from);
            int end = comma < 0 ? list.length() : comma;
            int a = from;
            int b = end;
            while (a < b && Character.isWhitespace(list.charAt(a))) {
                a++;
            }
            while (b > a && Character.isWhitespace(list.charAt(b - 1))) {
                b--;
            }
            if (b - a == token.length() && list.regionMatches(true, a, token, 0, token.length())) {
                return true;
            }
            from = end + 1;
        }
        return false;
    }

    /** Runs the calls; the stream ends when all are done or, under fail-fast, at the first required failure. */
    public Flux<CallOutcome> run() {
        List<CallPlan> calls = plan.calls();
        List<Mono<CallOutcome>> monos = new ArrayList<>(calls.size());
        for (CallPlan c : calls) {
            monos.add(callMono(c));
        }
        Flux<CallOutcome> all = Flux.merge(monos);
        if (plan.onFailure() == OnFailure.FAIL_FAST) {
            all = all.takeUntil(o -> o.failed() && o.call().required());
        }
        return all;
    }

    private Mono<CallOutcome> callMono(CallPlan c) {
        Mono<CallOutcome> run = Mono.defer(() -> execute(c));
        int[] deps = c.dependencies();
        if (deps.length == 1) {
            run = doneSignal(deps[0]).then(run);
        } else if (deps.length > 1) {
            List<Mono<CallOutcome>> signals = new ArrayList<>(deps.length);
            for (int d : deps) {
                signals.add(doneSignal(d));
            }
            run = Mono.when(signals).then(run);
        }
        int i = c.index();
        return run.doOnCancel(() -> {
            if (outcomes[i] == null) {
                c.timers().record(ErrorType.CANCELLED, System.nanoTime() - startNanos);
            }
        });
    }

    private Mono<CallOutcome> doneSignal(int call) {
        Sinks.One<CallOutcome> s = done[call];
        if (s == null) {
            throw new IllegalStateException("call " + call + " is referenced but has no completion signal");
        }
        return s.asMono();
    }

    private Mono<CallOutcome> execute(CallPlan c) {
        long start = System.nanoTime();
        for (int d : c.dependencies()) {
            CallOutcome dep = outcomes[d];
            if (dep == null || dep.failed()) {
                String name = plan.calls().get(d).name();
                return Mono.just(complete(CallOutcome.failure(
                        c,
                        -1,
                        new CallFailure(ErrorType.DEPENDENCY_FAILED, "depends on '" + name + "', which failed"),
                        0,
                        0)));
            }
        }
        Mono<CallOutcome> m = c.forEach() != null ? forEach(c, start) : single(c, scope, -1, start);
        return m.map(this::complete);
    }

    private Mono<CallOutcome> single(CallPlan c, TemplateScope scope, int index, long start) {
        long now = CallBudget.now();
        if (now >= deadlineMillis) {
            return Mono.just(CallOutcome.failure(c, index, deadlineExceeded(), System.nanoTime() - start, 0));
        }
        UpstreamRequest request;
        try {
            request = c.render(scope, input.requestId(), forwarded);
        } catch (CallFailure f) {
            return Mono.just(CallOutcome.failure(c, index, f, System.nanoTime() - start, 0));
        } catch (RuntimeException e) {
            return Mono.just(CallOutcome.failure(
                    c,
                    index,
                    new CallFailure(
                            ErrorType.BAD_TEMPLATE_VALUE,
                            "the request to " + c.upstream() + " could not be built from the client's input"),
                    System.nanoTime() - start,
                    0));
        }
        CallBudget budget =
                new CallBudget(c.timeout(), deadlineMillis, batch, trace.call(c.name(), c.upstream(), index));
        return c.client()
                .exchange(request, budget)
                .map(r -> success(c, index, r, budget, start))
                .onErrorResume(e -> Mono.just(
                        CallOutcome.failure(c, index, classify(c, e), System.nanoTime() - start, budget.attempts())));
    }

    /**
     * A 2xx answer as an outcome. Its body already passed the transport's JSON verdict, so it is embedded as it is
     * (never validated again); it is parsed only when another call reads it or {@code select} picks a part.
     */
    private CallOutcome success(CallPlan c, int index, UpstreamResponse r, CallBudget budget, long start) {
        if (!r.hasData()) {
            return new CallOutcome(
                    c,
                    index,
                    null,
                    r.status(),
                    r.source(),
                    null,
                    null,
                    System.nanoTime() - start,
                    budget.attempts(),
                    null);
        }
        byte[] body = r.body();
        boolean keepTree = index < 0 && c.referenced();
        if (!keepTree && c.select() == null) {
            return embedded(c, index, r, body, start, budget);
        }
        JsonNode tree;
        try {
            tree = JsonCodec.readTree(body);
        } catch (JacksonException e) {
            // cannot happen for a body that passed the verdict, short of a limit Jackson has and it has not
            return CallOutcome.failure(
                    c,
                    index,
                    new CallFailure(ErrorType.INVALID_RESPONSE, c.upstream() + " answered a body that is not JSON"),
                    System.nanoTime() - start,
                    budget.attempts());
        }
        if (keepTree) {
            scope.keep(c.index(), tree);
        }
        if (c.select() == null) {
            return embedded(c, index, r, body, start, budget);
        }
        JsonNode selected = tree.at(c.select());
        if (selected.isMissingNode()) {
            return CallOutcome.failure(
                    c,
                    index,
                    new CallFailure(ErrorType.INVALID_RESPONSE, c.upstream() + " answered without " + c.select()),
                    System.nanoTime() - start,
                    budget.attempts());
        }
        return new CallOutcome(
                c,
                index,
                null,
                r.status(),
                r.source(),
                null,
                selected,
                System.nanoTime() - start,
                budget.attempts(),
                null);
    }

    private Mono<CallOutcome> forEach(CallPlan c, long start) {
        ForEach fe = c.forEach();
        JsonNode array = fe == null ? null : fe.find(scope.callBody(fe.sourceCall()));
        if (fe == null || array == null || !array.isArray()) {
            return Mono.just(CallOutcome.failure(
                    c,
                    -1,
                    new CallFailure(
                            ErrorType.BAD_TEMPLATE_VALUE,
                            "for-each " + (fe == null ? "" : fe.text()) + " is not an array"),
                    System.nanoTime() - start,
                    0));
        }
        if (array.size() > fe.maxItems()) {
            return Mono.just(CallOutcome.failure(
                    c,
                    -1,
                    new CallFailure(
                            ErrorType.INVALID_RESPONSE,
                            "for-each " + fe.text() + " has " + array.size() + " elements, more than max-items "
                                    + fe.maxItems()),
                    System.nanoTime() - start,
                    0));
        }
        return Flux.range(0, array.size())
                .flatMapSequential(
                        i -> single(c, scope.withItem(array.get(i)), i, System.nanoTime()), fe.concurrency(), 1)
                .collectList()
                .map(elements -> aggregate(c, elements, start));
    }

    private CallOutcome aggregate(CallPlan c, List<CallOutcome> elements, long start) {
        int attempts = 0;
        CallFailure first = null;
        for (CallOutcome e : elements) {
            attempts += e.attempts();
            if (first == null && e.failure() != null) {
                first = e.failure();
            }
        }
        if (c.referenced()) {
            ArrayNode arr = JsonCodec.MAPPER.createArrayNode();
            for (CallOutcome e : elements) {
                arr.add(e.data() != null ? e.data() : e.raw() != null ? JsonCodec.readTree(e.raw()) : null);
            }
            scope.keep(c.index(), arr);
        }
        // element failures are listed per element; they fail the call itself only when it is required
        CallFailure failure = c.required() ? first : null;
        return new CallOutcome(
                c,
                -1,
                failure,
                failure == null ? 200 : 0,
                failure == null ? UpstreamResponse.Source.NETWORK : null,
                null,
                null,
                System.nanoTime() - start,
                attempts,
                List.copyOf(elements));
    }

    private CallOutcome complete(CallOutcome o) {
        CallPlan c = o.call();
        outcomes[c.index()] = o;
        CallFailure f = o.failure();
        c.timers().record(f == null ? null : f.type(), o.durationNanos());
        if (f != null) {
            if (c.required() && firstRequiredFailure == null) {
                firstRequiredFailure = o;
            }
            if (o.attempts() == 0 && o.elements() == null) {
                trace.callFailed(c.name(), c.upstream(), f.type().wireName());
            }
            if (log.isDebugEnabled()) {
                LogKeys k = LogKeys.current();
                log.atDebug()
                        .addKeyValue(k.requestId(), input.requestId())
                        .addKeyValue(k.traceId(), traceIdField())
                        .addKeyValue(k.endpoint(), plan.name())
                        .addKeyValue(k.call(), c.name())
                        .addKeyValue(k.upstream(), c.upstream())
                        .addKeyValue(k.errorType(), f.type().wireName())
                        .log(
                                "[{}] {} call {} failed: {} {}",
                                input.requestId(),
                                plan.name(),
                                c.name(),
                                f.type().wireName(),
                                f.getMessage());
            }
        }
        Sinks.One<CallOutcome> s = done[c.index()];
        if (s != null) {
            s.tryEmitValue(o);
        }
        return o;
    }

    private CallFailure classify(CallPlan c, Throwable e) {
        if (e instanceof CallFailure f) {
            if (f.type() == ErrorType.TIMEOUT && CallBudget.now() >= deadlineMillis - 1) {
                return deadlineExceeded();
            }
            return f;
        }
        LogKeys k = LogKeys.current();
        // no error-type field: the line carries the exception, which the formats write as their error fields
        log.atError()
                .addKeyValue(k.requestId(), input.requestId())
                .addKeyValue(k.traceId(), traceIdField())
                .addKeyValue(k.endpoint(), plan.name())
                .addKeyValue(k.call(), c.name())
                .addKeyValue(k.upstream(), c.upstream())
                .setCause(e)
                .log("[{}] {} call {} failed unexpectedly", input.requestId(), plan.name(), c.name());
        return new CallFailure(ErrorType.INVALID_RESPONSE, c.upstream() + ": the answer could not be processed");
    }

    /** The trace id for a log line's field: "" rather than null when not traced, so every format writes it alike. */
    private String traceIdField() {
        String id = trace.traceId();
        return id == null ? "" : id;
    }

    private CallFailure deadlineExceeded() {
        return new CallFailure(
                ErrorType.DEADLINE_EXCEEDED,
                "the request deadline of " + plan.deadline().toMillis() + "ms ran out");
    }

    /** Fills in {@code cancelled} outcomes for calls that a fail-fast stop left unfinished. */
    List<CallOutcome> cancelRemaining() {
        CallOutcome cause = firstRequiredFailure;
        String why = cause == null
                ? "cancelled"
                : "cancelled because required call '" + cause.call().name() + "' failed";
        List<CallOutcome> added = List.of();
        long elapsed = System.nanoTime() - startNanos;
        for (CallPlan c : plan.calls()) {
            if (outcomes[c.index()] == null) {
                CallOutcome o = CallOutcome.failure(c, -1, new CallFailure(ErrorType.CANCELLED, why), elapsed, 0);
                outcomes[c.index()] = o;
                if (added.isEmpty()) {
                    added = new ArrayList<>();
                }
                added.add(o);
            }
        }
        return added;
    }

    /**
     * The finished request as a structured result. Call once every call has an outcome (after
     * {@link #cancelRemaining()}); the outcomes are handed over, not copied.
     */
    CompositeResult finish() {
        return new CompositeResult(
                plan,
                input.requestId(),
                outcomes,
                firstRequiredFailure,
                System.nanoTime() - startNanos,
                trace.traceId());
    }

    /** Records the request outcome in the endpoint's timer (and a cancellation in the request's trace). */
    void recordRequest(RequestOutcome outcome) {
        long elapsed = System.nanoTime() - startNanos;
        plan.timers().record(outcome, elapsed);
        if (outcome == RequestOutcome.CANCELLED) {
            trace.cancelled(elapsed);
        }
    }

    /** Reports the finished request: its trace ends, its overhead is recorded, its access-log line written. */
    void observeFinished(CompositeResult result) {
        CallOutcome failed = result.requiredFailure();
        CallFailure f = failed == null ? null : failed.failure();
        trace.finished(
                result.status(),
                result.partial(),
                f == null ? null : f.type().wireName(),
                result.durationNanos(),
                CriticalPath.nanos(plan, outcomes));
    }

    static RequestOutcome requestOutcome(boolean failed, boolean partial) {
        return RequestOutcome.of(failed, partial);
    }

    /** The outcome of a call whose body goes into the answer as it came (validated, not parsed into a tree). */
    private static CallOutcome embedded(
            CallPlan c, int index, UpstreamResponse r, byte[] body, long start, CallBudget budget) {
        return new CallOutcome(
                c, index, null, r.status(), r.source(), body, null, System.nanoTime() - start, budget.attempts(), null);
    }
}
