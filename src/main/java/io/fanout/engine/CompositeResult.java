package io.fanout.engine;

import io.fanout.plan.EndpointPlan;
import io.fanout.upstream.CallFailure;
import java.time.Duration;
import java.util.AbstractList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The structured result of one finished composite request: every call's {@link CallOutcome}, which required call
 * failed first (if any), and what that means for the answer (status, partial, Retry-After). The envelope, the
 * streamed last line, the problem body and a batch job's result line are all rendered from it
 * ({@code io.fanout.render}); nothing parses a rendered answer back.
 */
public final class CompositeResult {

    /** Retry-After for overload answers when neither the upstream nor a policy said how long. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    private final EndpointPlan plan;
    private final String requestId;
    private final CallOutcome[] outcomes;
    private final @Nullable CallOutcome requiredFailure;
    private final long durationNanos;
    private final boolean partial;
    private final @Nullable String traceId;

    /** @param outcomes one per call, by call index, none missing (taken over, not copied) */
    CompositeResult(
            EndpointPlan plan,
            String requestId,
            CallOutcome[] outcomes,
            @Nullable CallOutcome requiredFailure,
            long durationNanos) {
        this(plan, requestId, outcomes, requiredFailure, durationNanos, null);
    }

    /** As above, with the request's W3C trace id (null when not traced). */
    CompositeResult(
            EndpointPlan plan,
            String requestId,
            CallOutcome[] outcomes,
            @Nullable CallOutcome requiredFailure,
            long durationNanos,
            @Nullable String traceId) {
        this.traceId = traceId;
        this.plan = plan;
        this.requestId = requestId;
        this.outcomes = outcomes;
        this.requiredFailure = requiredFailure;
        this.durationNanos = durationNanos;
        boolean errors = false;
        for (CallOutcome o : outcomes) {
            errors |= o.hasErrors();
        }
        this.partial = errors;
    }

    public EndpointPlan plan() {
        return plan;
    }

    public String requestId() {
        return requestId;
    }

    /** The request's W3C trace id ({@code meta.traceId}), or null when tracing is off. */
    public @Nullable String traceId() {
        return traceId;
    }

    /** Number of calls (the endpoint's, in declaration order). */
    public int size() {
        return outcomes.length;
    }

    /** The outcome of the call with this index. */
    public CallOutcome outcome(int call) {
        return outcomes[call];
    }

    /** Every call's outcome in declaration order (a read-only view). */
    public List<CallOutcome> outcomes() {
        return new AbstractList<>() {
            @Override
            public CallOutcome get(int index) {
                return outcomes[index];
            }

            @Override
            public int size() {
                return outcomes.length;
            }
        };
    }

    /** The required call that failed first, in completion order, or null. */
    public @Nullable CallOutcome requiredFailure() {
        return requiredFailure;
    }

    /** True when a required call failed: the answer is a problem, not an envelope. */
    public boolean failed() {
        return requiredFailure != null;
    }

    /** True exactly when the answer lists errors (a failed call or for-each element). */
    public boolean partial() {
        return partial;
    }

    /** Time from the request's start to its last outcome. */
    public long durationNanos() {
        return durationNanos;
    }

    /** The answer's status: 200, or what the first failed required call maps to (SPEC §2). */
    public int status() {
        CallFailure f = requiredFailure == null ? null : requiredFailure.failure();
        return f == null ? 200 : statusFor(f);
    }

    /** How long a 503 answer asks the client to wait, else null. */
    public @Nullable Duration retryAfter() {
        CallFailure f = requiredFailure == null ? null : requiredFailure.failure();
        if (f == null || statusFor(f) != 503) {
            return null;
        }
        return f.retryAfter() != null ? f.retryAfter() : DEFAULT_RETRY_AFTER;
    }

    /** The HTTP status a failed required call maps to (SPEC §2). */
    public static int statusFor(CallFailure f) {
        return switch (f.type()) {
            case UPSTREAM_STATUS -> f.status() >= 400 && f.status() < 500 ? f.status() : 502;
            case TIMEOUT, DEADLINE_EXCEEDED -> 504;
            case CIRCUIT_OPEN, BULKHEAD_FULL, RATE_LIMITED -> 503;
            default -> 502;
        };
    }
}
