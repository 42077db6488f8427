package io.fanout.upstream.resilience;

import io.fanout.definition.Rate;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * A token bucket ({@code rate} refill, {@code burst} capacity) whose waits are plain {@link Mono#delay} timers: a
 * caller that may wait reserves a future token and waits for it; cancelling the wait gives the token back. A caller
 * whose token would come later than it may wait fails at once with {@link ErrorType#RATE_LIMITED} and a retry-after of
 * the time until a token. Times come from Reactor's clock, so virtual-time tests drive refills.
 */
public final class AsyncRateLimiter {

    private final String name;
    private final double tokensPerNano;
    private final double burst;
    private final Duration maxWait;
    private final LongAdder waits = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    // guarded by this; tokens may go negative: each negative unit is a token reserved by a waiting caller
    private double tokens;
    private long refilledAtNanos;
    private int waiting;

    public AsyncRateLimiter(String name, Rate rate, int burst, Duration maxWait) {
        if (rate.permits() <= 0 || rate.period().isZero() || rate.period().isNegative()) {
            throw new IllegalArgumentException("rate must be positive but was " + rate);
        }
        this.name = name;
        this.tokensPerNano = rate.perSecond() / 1_000_000_000.0;
        this.burst = Math.max(1, burst);
        this.maxWait = maxWait.isNegative() ? Duration.ZERO : maxWait;
        this.tokens = this.burst;
        this.refilledAtNanos = ReactorClock.nowNanos();
    }

    /** Takes a token, waiting up to the configured max-wait. */
    public Mono<Void> acquire() {
        return acquire(maxWait);
    }

    /**
     * Takes a token, waiting up to {@code min(max-wait, waitLimit)}: callers pass the time left before their
     * deadline so no one waits for a token they could not use.
     */
    public Mono<Void> acquire(Duration waitLimit) {
        return Mono.defer(() -> {
            long limitNanos = Math.min(maxWait.toNanos(), Math.max(0, waitLimit.toNanos()));
            long waitNanos;
            synchronized (this) {
                refill();
                if (tokens >= 1) {
                    tokens -= 1;
                    return Mono.empty();
                }
                waitNanos = (long) Math.ceil((1 - tokens) / tokensPerNano);
                if (waitNanos > limitNanos) {
                    rejected.increment();
                    return Mono.error(limited(waitNanos));
                }
                tokens -= 1;
                waiting++;
            }
            waits.increment();
            return Mono.delay(Duration.ofNanos(waitNanos)).then().doFinally(this::waitEnded);
        });
    }

    /** Takes a token if one is there right now (the fused policy chain's path); false: go through acquire. */
    synchronized boolean tryAcquireNow() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    private void waitEnded(SignalType signal) {
        synchronized (this) {
            waiting--;
            if (signal == SignalType.CANCEL) {
                // the reserved token was never used: give it back
                refill();
                tokens = Math.min(burst, tokens + 1);
            }
        }
    }

    private void refill() {
        long now = ReactorClock.nowNanos();
        long elapsed = now - refilledAtNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * tokensPerNano);
        }
        // a clock that went back (virtual time installed after construction) restarts the refill from now
        refilledAtNanos = now;
    }

    private CallFailure limited(long waitNanos) {
        Duration retryAfter = Duration.ofMillis(Math.max(1, (waitNanos + 999_999) / 1_000_000));
        return new CallFailure(
                ErrorType.RATE_LIMITED,
                name + " is rate limited; next permit in " + retryAfter.toMillis() + "ms",
                0,
                retryAfter);
    }

    /** Whole tokens available right now (0 while callers wait for reserved ones). */
    public synchronized double availableTokens() {
        refill();
        return Math.max(0, Math.floor(tokens));
    }

    /** Callers waiting for a reserved token right now. */
    public synchronized int waiting() {
        return waiting;
    }

    /** Callers that had to wait, since creation. */
    public long waitCount() {
        return waits.sum();
    }

    /** Callers refused because their token was too far away, since creation. */
    public long rejectedCount() {
        return rejected.sum();
    }
}
