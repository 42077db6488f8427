package io.fanout.upstream.resilience;

import io.fanout.definition.CircuitBreakerDefinition;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One upstream's circuit breaker: resilience4j's core state machine (not its Reactor operator) driven per attempt.
 *
 * <p>Counted as failures: timeouts, deadline cuts of a running attempt (the upstream did not answer in the time it
 * had), connect errors, 5xx and invalid responses. 4xx answers count as successes: the upstream is up and judged
 * the request. Attempts that never reached the transport (rate-limited, bulkhead-full) and cancelled attempts
 * (hedge losers, clients gone) give their permission back without being counted.
 *
 * <p>Both the sliding window and the open time run on Reactor's clock, and the open-to-half-open transition is
 * scheduled on Reactor's parallel scheduler instead of resilience4j's own timer thread, so it follows virtual time
 * and is cancelled by {@link #close()}.
 */
final class CircuitBreakerPolicy implements AutoCloseable {

    /** Probes let through in half-open before the breaker decides. */
    static final int HALF_OPEN_CALLS = 3;

    private final String name;
    private final Duration openFor;
    private final CircuitBreaker breaker;
    private volatile long openUntilMillis;
    private volatile @Nullable Disposable halfOpenTimer;
    private volatile boolean closed;

    CircuitBreakerPolicy(String name, CircuitBreakerDefinition definition) {
        this.name = name;
        this.openFor = definition.openFor();
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindow(
                        (int) Math.max(1, definition.window().toSeconds()),
                        Math.max(1, definition.minCalls()),
                        CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                .failureRateThreshold(percent(definition.failureRate()))
                .slowCallDurationThreshold(definition.slowCall())
                .slowCallRateThreshold(percent(definition.slowCallRate()))
                .waitDurationInOpenState(positive(definition.openFor()))
                .permittedNumberOfCallsInHalfOpenState(HALF_OPEN_CALLS)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(CircuitBreakerPolicy::countsAsFailure)
                .clock(ReactorClock.INSTANCE)
                .currentTimestampFunction(clock -> ReactorClock.nowNanos(), TimeUnit.NANOSECONDS)
                .build();
        this.breaker = CircuitBreaker.of(name, config);
        breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                opened();
            }
        });
    }

    private static float percent(double share) {
        return (float) Math.min(100, Math.max(0.001, share * 100));
    }

    private static Duration positive(Duration d) {
        return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
    }

    static boolean countsAsFailure(Throwable error) {
        if (!(error instanceof CallFailure failure)) {
            return true; // a transport bug is still a broken upstream call
        }
        return switch (failure.type()) {
            case TIMEOUT, DEADLINE_EXCEEDED, CONNECT_ERROR, INVALID_RESPONSE -> true;
            case UPSTREAM_STATUS -> failure.status() >= 500;
            default -> false;
        };
    }

    private void opened() {
        openUntilMillis = ReactorClock.nowMillis() + openFor.toMillis();
        Disposable previous = halfOpenTimer;
        if (previous != null) {
            previous.dispose();
        }
        if (closed) {
            return;
        }
        // resilience4j's automatic transition uses its own thread and wall clock; this one follows Reactor's
        halfOpenTimer = Schedulers.parallel()
                .schedule(this::toHalfOpen, positive(openFor).toMillis(), TimeUnit.MILLISECONDS);
    }

    private void toHalfOpen() {
        if (breaker.getState() == CircuitBreaker.State.OPEN) {
            try {
                breaker.transitionToHalfOpenState();
            } catch (RuntimeException raceWithCallerTransition) {
                // a caller's own permission check moved it first: nothing to do
            }
        }
    }

    /**
     * Runs one attempt under the breaker: fails with circuit-open without calling {@code attempt} when no permission
     * is given, else settles the permission from the attempt's outcome. The permission is taken and the attempt
     * subscribed in one step, so no cancellation can slip in between and leak a half-open probe.
     */
    <T> Mono<T> guard(Function<Permit, Mono<T>> attempt) {
        return Mono.defer(() -> {
            if (!breaker.tryAcquirePermission()) {
                return Mono.error(open());
            }
            Permit permit = new Permit();
            return permit.guard(attempt.apply(permit));
        });
    }

    /** Asks for permission for one attempt (the fused chain settles it with the {@code settle…} methods). */
    boolean tryAcquire() {
        return breaker.tryAcquirePermission();
    }

    /**
     * A {@link Permit} for a permission already taken with {@link #tryAcquire} (the fused chain hands an attempt
     * that must queue to the composed operators).
     */
    Permit adopt() {
        return new Permit();
    }

    /** Settles a permission of an attempt that reached the transport at {@code startedNanos} and answered. */
    void settleSuccess(long startedNanos) {
        breaker.onSuccess(Math.max(0, ReactorClock.nowNanos() - startedNanos), TimeUnit.NANOSECONDS);
    }

    /**
     * Settles a permission of an attempt that failed: as {@link Permit#failed}; {@code startedNanos} < 0 when it
     * never reached the transport.
     */
    void settleFailure(long startedNanos, Throwable error) {
        if (startedNanos < 0) {
            breaker.releasePermission();
            return;
        }
        long elapsed = Math.max(0, ReactorClock.nowNanos() - startedNanos);
        if (countsAsFailure(error)) {
            breaker.onError(elapsed, TimeUnit.NANOSECONDS, error);
        } else if (error instanceof CallFailure f && f.type() == ErrorType.UPSTREAM_STATUS) {
            breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
        } else {
            breaker.releasePermission();
        }
    }

    /** Gives back the permission of a cancelled attempt, uncounted. */
    void settleCancel() {
        breaker.releasePermission();
    }

    /** The failure of an attempt turned away by an open breaker. */
    CallFailure openFailure() {
        return open();
    }

    private CallFailure open() {
        long left = openUntilMillis - ReactorClock.nowMillis();
        // half-open with every probe taken: the verdict is one probe away, so advise a short wait
        Duration retryAfter = Duration.ofMillis(left > 0 ? left : Math.min(1000, Math.max(1, openFor.toMillis())));
        return new CallFailure(ErrorType.CIRCUIT_OPEN, name + " circuit breaker is open", 0, retryAfter);
    }

    CircuitBreaker.State state() {
        return breaker.getState();
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    @Override
    public void close() {
        closed = true;
        Disposable timer = halfOpenTimer;
        if (timer != null) {
            timer.dispose();
        }
    }

    /** Permission for one attempt, settled exactly once whatever happens to the attempt. */
    final class Permit {
        private final AtomicBoolean settled = new AtomicBoolean();
        private volatile long startedNanos = -1;

        /** The attempt reached the transport: from now on its outcome counts. */
        void started() {
            startedNanos = ReactorClock.nowNanos();
        }

        void succeeded() {
            if (settled.compareAndSet(false, true)) {
                breaker.onSuccess(elapsed(), TimeUnit.NANOSECONDS);
            }
        }

        void failed(Throwable error) {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            if (startedNanos < 0) {
                breaker.releasePermission(); // turned away locally: says nothing about the upstream
            } else if (countsAsFailure(error)) {
                breaker.onError(elapsed(), TimeUnit.NANOSECONDS, error);
            } else if (error instanceof CallFailure f && f.type() == ErrorType.UPSTREAM_STATUS) {
                breaker.onSuccess(elapsed(), TimeUnit.NANOSECONDS);
            } else {
                breaker.releasePermission();
            }
        }

        void cancelled() {
            if (settled.compareAndSet(false, true)) {
                breaker.releasePermission();
            }
        }

        private long elapsed() {
            long start = startedNanos;
            return start < 0 ? 0 : Math.max(0, ReactorClock.nowNanos() - start);
        }

        <T> Mono<T> guard(Mono<T> attempt) {
            return attempt.doOnSuccess(v -> succeeded()).doOnError(this::failed).doOnCancel(this::cancelled);
        }
    }
}
