package io.fanout.upstream.resilience;

import io.fanout.upstream.CallBudget;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.fanout.upstream.UpstreamRequest;
import io.fanout.upstream.UpstreamResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * One call through an upstream's policies as a single operator: retry → hedge → circuit breaker → rate limit →
 * bulkhead → per-attempt timeout → transport, with the semantics of {@link ResilientUpstreamClient}'s layers (its
 * javadoc) but without one Reactor operator layer (and its subscriber, lambdas and context walk) per policy. Per call
 * it costs this Mono, one {@link Call} and one {@link Attempt} per network attempt, plus a hedge timer object when
 * hedging; a policy that is not configured costs a null check.
 *
 * <p>Fast paths are synchronous: a free bulkhead permit and a rate-limit token are taken in place. Only an attempt
 * that has to wait for a token or a permit is handed to the composed operators ({@link ResilientUpstreamClient}'s
 * slow path), which queue it exactly as before. Timers (attempt timeout, hedge delay) go to {@link AttemptTimer};
 * retry backoffs to Reactor's parallel scheduler, like {@code Mono.delay}.
 *
 * <p>Concurrency: an attempt's outcome (answer, failure, timeout, cancellation) is decided once by a CAS on its
 * state, and its accounting (timer, bulkhead permit, breaker permission, latency) is done by the thread that won.
 * The call's own state (which attempts run, whether it ended) changes only under its monitor, and every signal
 * downstream is sent outside it.
 *
 * <p>Why one class of ~540 lines: the fusion is the point ({@code docs/fused-policy-chain.md}). {@link Call} and
 * {@link Attempt} share the call's monitor, its attempt list and the policies' permits; split into classes per
 * policy they would need that state passed around, which is the layering this operator removes.
 */
final class PolicyCall extends Mono<UpstreamResponse> {

    private final ResilientUpstreamClient client;
    private final UpstreamRequest request;
    private final CallBudget budget;
    private final boolean reportOutcome;

    /**
     * @param reportOutcome whether this call reports the call's outcome to the meters itself (false when the cache
     *                      or coalescing layers around it do)
     */
    PolicyCall(ResilientUpstreamClient client, UpstreamRequest request, CallBudget budget, boolean reportOutcome) {
        this.client = client;
        this.request = request;
        this.budget = budget;
        this.reportOutcome = reportOutcome;
    }

    @Override
    public void subscribe(CoreSubscriber<? super UpstreamResponse> actual) {
        Call call = new Call(actual, client, request, budget, reportOutcome);
        actual.onSubscribe(call);
        call.start();
    }

    /** The state of one call: its current round of attempts (first and hedge), retries, its end. */
    static final class Call extends Operators.MonoSubscriber<UpstreamResponse, UpstreamResponse> {
        final ResilientUpstreamClient c;
        final UpstreamRequest request;
        final CallBudget budget;
        private final boolean report;
        private final boolean retrying;
        private final boolean hedging;
        private @Nullable Context context;

        // guarded by this
        private int round = 1;
        private @Nullable Attempt first;
        private @Nullable Attempt second;
        private boolean hedged;
        private int failures;
        private @Nullable Object hedgeTimer;
        private @Nullable Disposable retryTimer;
        private boolean finished;

        Call(
                CoreSubscriber<? super UpstreamResponse> actual,
                ResilientUpstreamClient c,
                UpstreamRequest request,
                CallBudget budget,
                boolean report) {
            super(actual);
            this.c = c;
            this.request = request;
            this.budget = budget;
            this.report = report;
            this.retrying = c.retry != null && request.idempotent();
            this.hedging = c.hedge != null && c.hedgeBudget != null && request.read() && request.idempotent();
        }

        /** The subscriber's context, looked up once per call instead of once per look-up by the transport. */
        Context context() {
            Context ctx = context;
            if (ctx == null) {
                ctx = actual.currentContext();
                context = ctx;
            }
            return ctx;
        }

        @Override
        public Context currentContext() {
            return context();
        }

        void start() {
            if (c.retryBudget != null) {
                c.retryBudget.recordCall();
            }
            if (c.hedgeBudget != null) {
                c.hedgeBudget.recordCall();
            }
            startRound();
        }

        private void startRound() {
            Attempt a;
            int r;
            synchronized (this) {
                if (finished) {
                    return;
                }
                r = round;
                a = new Attempt(this, r);
                first = a;
                second = null;
                hedged = false;
                failures = 0;
            }
            if (hedging) {
                Object timer = AttemptTimer.schedule(
                        new HedgeTimer(this, r), c.hedge.after().toMillis());
                synchronized (this) {
                    if (finished || round != r) {
                        AttemptTimer.cancel(timer);
                    } else {
                        hedgeTimer = timer;
                    }
                }
            }
            a.start();
        }

        void hedgeDue(int r) {
            synchronized (this) {
                if (finished || round != r || hedged || first == null) {
                    return;
                }
                hedgeTimer = null;
            }
            RetryBudget hb = c.hedgeBudget;
            if (budget.remainingMillis() <= 0 || hb == null || !hb.tryAcquire()) {
                return;
            }
            Attempt b = new Attempt(this, r);
            synchronized (this) {
                if (finished || round != r || first == null) {
                    return;
                }
                hedged = true;
                second = b;
            }
            c.metrics.hedge();
            b.start();
        }

        void attemptSucceeded(Attempt a, UpstreamResponse response) {
            Attempt other;
            Object timer;
            synchronized (this) {
                if (finished || a.round != round) {
                    return;
                }
                finished = true;
                other = a == first ? second : first;
                timer = hedgeTimer;
                hedgeTimer = null;
            }
            AttemptTimer.cancel(timer);
            if (other != null) {
                other.cancel();
            }
            if (report) {
                c.metrics.callSucceeded(response.source());
            }
            complete(response);
        }

        void attemptFailed(Attempt a, Throwable error) {
            Object timer;
            synchronized (this) {
                if (finished || a.round != round) {
                    return;
                }
                failures++;
                // with a hedge running, the call waits for the other attempt; the later failure is the round's
                if (hedged && failures < 2) {
                    return;
                }
                timer = hedgeTimer;
                hedgeTimer = null;
                first = null;
                second = null;
            }
            AttemptTimer.cancel(timer);
            Duration delay = retrying ? retryDelay(error) : null;
            if (delay != null) {
                Disposable d = Schedulers.parallel().schedule(this::nextRound, delay.toNanos(), TimeUnit.NANOSECONDS);
                synchronized (this) {
                    if (!finished) {
                        retryTimer = d;
                        return;
                    }
                }
                d.dispose();
                return;
            }
            synchronized (this) {
                if (finished) {
                    return;
                }
                finished = true;
            }
            if (report) {
                c.metrics.callFailed(error);
            }
            actual.onError(error);
        }

        /** The backoff before the next round, or null when the failure is final (as the retry layer decided). */
        private @Nullable Duration retryDelay(Throwable error) {
            RetryPolicy policy = c.retry;
            int attempt;
            synchronized (this) {
                attempt = round;
            }
            if (policy == null || attempt >= policy.maxAttempts() || !policy.retries(error)) {
                return null;
            }
            Duration retryAfter = error instanceof CallFailure f ? f.retryAfter() : null;
            Duration delay = policy.delayBefore(attempt, retryAfter, c.random.get());
            // an attempt that could not start before the deadline would only turn this failure into a cut
            if (ReactorClock.nowMillis() + delay.toMillis() >= budget.deadlineMillis()) {
                return null;
            }
            RetryBudget rb = c.retryBudget;
            if (rb != null && !rb.tryAcquire()) {
                c.metrics.retryDenied();
                return null;
            }
            c.metrics.retry();
            return delay;
        }

        private void nextRound() {
            synchronized (this) {
                retryTimer = null;
                if (finished) {
                    return;
                }
                round++;
            }
            startRound();
        }

        @Override
        public void cancel() {
            super.cancel();
            Attempt a;
            Attempt b;
            Object timer;
            Disposable retry;
            synchronized (this) {
                if (finished) {
                    return;
                }
                finished = true;
                a = first;
                b = second;
                timer = hedgeTimer;
                retry = retryTimer;
                first = null;
                second = null;
                hedgeTimer = null;
                retryTimer = null;
            }
            AttemptTimer.cancel(timer);
            if (retry != null) {
                retry.dispose();
            }
            if (a != null) {
                a.cancel();
            }
            if (b != null) {
                b.cancel();
            }
            if (report) {
                c.metrics.callCancelled();
            }
        }
    }

    /** The hedge delay of one round. */
    private record HedgeTimer(Call call, int round) implements AttemptTimer.Task {
        @Override
        public void run() {
            call.hedgeDue(round);
        }
    }

    /**
     * One network attempt: breaker permission, rate-limit token, bulkhead permit, timeout, transport. Its own
     * subscriber to the transport, and its own timeout task.
     *
     * <p>States: {@code STARTING} while {@link #start} takes the permission, token and permit; {@code RUNNING} once
     * it sent the attempt; {@code DONE} once the outcome is decided. A cancel during {@code STARTING} only marks it
     * done, and {@link #start} gives back what it took when it finds that, so no permit can be taken after a cancel
     * looked for it.
     */
    static final class Attempt implements CoreSubscriber<UpstreamResponse>, AttemptTimer.Task {
        private static final int STARTING = 0;
        private static final int RUNNING = 1;
        private static final int DONE = 2;
        private static final AtomicIntegerFieldUpdater<Attempt> STATE =
                AtomicIntegerFieldUpdater.newUpdater(Attempt.class, "state");
        private static final AtomicReferenceFieldUpdater<Attempt, Subscription> S =
                AtomicReferenceFieldUpdater.newUpdater(Attempt.class, Subscription.class, "s");

        final Call call;
        final int round;
        private volatile int state;
        private volatile @Nullable Subscription s;
        private volatile @Nullable Object timer;
        private boolean permit;
        private boolean holdsPermit;
        private boolean delegated;
        private long startedNanos = -1;
        private long bound;
        private boolean cutByDeadline;

        Attempt(Call call, int round) {
            this.call = call;
            this.round = round;
        }

        void start() {
            ResilientUpstreamClient c = call.c;
            CircuitBreakerPolicy breaker = c.breaker;
            if (breaker != null) {
                if (!breaker.tryAcquire()) {
                    if (STATE.compareAndSet(this, STARTING, DONE)) {
                        call.attemptFailed(this, breaker.openFailure());
                    }
                    return;
                }
                permit = true;
            }
            AsyncRateLimiter limiter = c.rateLimiter;
            AsyncBulkhead bulkhead = c.bulkhead;
            if (limiter != null && !limiter.tryAcquireNow()) {
                delegate(true, bulkhead != null);
                return;
            }
            if (bulkhead != null) {
                if (!bulkhead.tryTakeNow(call.budget.batch())) {
                    delegate(false, true);
                    return;
                }
                holdsPermit = true;
            }
            timed();
        }

        /** An attempt that must wait for a token or a permit: the composed operators queue it. */
        private void delegate(boolean limiter, boolean bulkhead) {
            ResilientUpstreamClient c = call.c;
            delegated = true;
            if (!STATE.compareAndSet(this, STARTING, RUNNING)) {
                abandon(); // cancelled while starting
                return;
            }
            CircuitBreakerPolicy breaker = c.breaker;
            CircuitBreakerPolicy.Permit p = permit && breaker != null ? breaker.adopt() : null;
            permit = false; // the Permit settles it from now on
            Mono<UpstreamResponse> queued = c.gated(call.request, call.budget, p, limiter, bulkhead);
            (p == null ? queued : p.guard(queued)).subscribe(this);
        }

        private void timed() {
            ResilientUpstreamClient c = call.c;
            CallBudget budget = call.budget;
            long remaining = budget.remainingMillis();
            if (remaining <= 0) {
                if (STATE.compareAndSet(this, STARTING, DONE)) {
                    failed(c.deadlineExceeded());
                } else {
                    abandon();
                }
                return;
            }
            long timeout = Math.max(1, budget.attemptTimeout().toMillis());
            cutByDeadline = remaining < timeout;
            bound = Math.min(timeout, remaining);
            startedNanos = ReactorClock.nowNanos();
            if (!STATE.compareAndSet(this, STARTING, RUNNING)) {
                abandon(); // cancelled while starting
                return;
            }
            c.metrics.attempt();
            timer = AttemptTimer.schedule(this, bound);
            Mono<UpstreamResponse> sent;
            try {
                sent = c.transport.exchange(call.request, budget);
            } catch (RuntimeException e) {
                onError(e);
                return;
            }
            sent.subscribe(this);
        }

        @Override
        public Context currentContext() {
            return call.context();
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            if (Operators.setOnce(S, this, subscription)) {
                subscription.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(UpstreamResponse response) {
            if (!STATE.compareAndSet(this, RUNNING, DONE)) {
                return; // timed out or cancelled meanwhile: the answer is dropped (plain bytes, nothing to free)
            }
            if (!delegated) {
                AttemptTimer.cancel(timer);
                ResilientUpstreamClient c = call.c;
                c.latency.record(ReactorClock.nowNanos() - startedNanos, false);
                releasePermit();
                CircuitBreakerPolicy breaker = c.breaker;
                if (permit && breaker != null) {
                    breaker.settleSuccess(startedNanos);
                }
            }
            call.attemptSucceeded(this, response);
        }

        @Override
        public void onError(Throwable error) {
            if (!STATE.compareAndSet(this, RUNNING, DONE)) {
                Operators.onErrorDropped(error, currentContext());
                return;
            }
            failed(error);
        }

        @Override
        public void onComplete() {
            if (STATE.compareAndSet(this, RUNNING, DONE)) {
                failed(new CallFailure(ErrorType.INVALID_RESPONSE, call.c.name() + " gave no answer"));
            }
        }

        /** The attempt's timeout. */
        @Override
        public void run() {
            if (!STATE.compareAndSet(this, RUNNING, DONE)) {
                return;
            }
            Operators.terminate(S, this);
            ResilientUpstreamClient c = call.c;
            failed(cutByDeadline ? c.deadlineExceeded() : c.timedOut(bound));
        }

        /** Settles a failed attempt (the caller won the state) and tells the call. */
        private void failed(Throwable error) {
            if (!delegated) {
                AttemptTimer.cancel(timer);
                ResilientUpstreamClient c = call.c;
                if (startedNanos >= 0) {
                    c.latency.record(
                            ReactorClock.nowNanos() - startedNanos, CircuitBreakerPolicy.countsAsFailure(error));
                }
                releasePermit();
                CircuitBreakerPolicy breaker = c.breaker;
                if (permit && breaker != null) {
                    breaker.settleFailure(startedNanos, error);
                }
            }
            call.attemptFailed(this, error);
        }

        /** Cancelled by the call (hedge lost, round over, caller gone): gives everything back uncounted. */
        void cancel() {
            if (STATE.compareAndSet(this, STARTING, DONE)) {
                return; // start() finds it done and gives back what it took
            }
            if (!STATE.compareAndSet(this, RUNNING, DONE)) {
                return;
            }
            Operators.terminate(S, this);
            if (!delegated) {
                AttemptTimer.cancel(timer);
                abandon();
            }
        }

        /** Gives back the bulkhead permit and the breaker permission held by this (fused) attempt, uncounted. */
        private void abandon() {
            releasePermit();
            CircuitBreakerPolicy breaker = call.c.breaker;
            if (permit && breaker != null) {
                permit = false;
                breaker.settleCancel();
            }
        }

        private void releasePermit() {
            if (holdsPermit) {
                holdsPermit = false;
                AsyncBulkhead bulkhead = call.c.bulkhead;
                if (bulkhead != null) {
                    bulkhead.releaseTaken(call.budget.batch());
                }
            }
        }
    }
}
