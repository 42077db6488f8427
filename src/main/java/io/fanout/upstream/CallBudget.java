package io.fanout.upstream;

import io.fanout.observe.CallTrace;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import reactor.core.scheduler.Schedulers;

/**
 * The time and traffic class one call may use, and the count of attempts it made (SPEC §7: every attempt counts,
 * the first included). Times are on Reactor's clock ({@link Schedulers#parallel()}), so virtual-time tests can
 * move them.
 */
public final class CallBudget {

    private static final AtomicIntegerFieldUpdater<CallBudget> ATTEMPTS =
            AtomicIntegerFieldUpdater.newUpdater(CallBudget.class, "attempts");

    private final Duration attemptTimeout;
    private final long deadlineMillis;
    private final boolean batch;
    private final CallTrace trace;
    private volatile int attempts;

    /**
     * @param attemptTimeout  the call's own per-attempt timeout
     * @param deadlineMillis  absolute end of the request on {@link #now()}'s clock
     * @param batch           true for batch-job traffic (limited to the batch share of bulkheads)
     */
    public CallBudget(Duration attemptTimeout, long deadlineMillis, boolean batch) {
        this(attemptTimeout, deadlineMillis, batch, CallTrace.NONE);
    }

    /** As above, with the call's trace: each attempt the transport sends is a span of it. */
    public CallBudget(Duration attemptTimeout, long deadlineMillis, boolean batch, CallTrace trace) {
        this.attemptTimeout = attemptTimeout;
        this.deadlineMillis = deadlineMillis;
        this.batch = batch;
        this.trace = trace;
    }

    /** Milliseconds on the clock deadlines are measured with. */
    public static long now() {
        return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
    }

    public Duration attemptTimeout() {
        return attemptTimeout;
    }

    public long deadlineMillis() {
        return deadlineMillis;
    }

    /** Time left before the request's deadline (never negative). */
    public long remainingMillis() {
        return Math.max(0, deadlineMillis - now());
    }

    public boolean batch() {
        return batch;
    }

    /** Records one more attempt (call before sending it). */
    public int recordAttempt() {
        return ATTEMPTS.incrementAndGet(this);
    }

    public int attempts() {
        return attempts;
    }

    /** The call's trace ({@link CallTrace#NONE} when not traced). */
    public CallTrace trace() {
        return trace;
    }
}
