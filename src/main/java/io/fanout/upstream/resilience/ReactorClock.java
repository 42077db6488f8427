package io.fanout.upstream.resilience;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import reactor.core.scheduler.Schedulers;

/**
 * The clock every policy measures time with: the same one {@link io.fanout.upstream.CallBudget#now()} uses, so a
 * deadline, a token refill and a breaker's open time all move together under {@code StepVerifier.withVirtualTime}.
 */
final class ReactorClock extends Clock {

    static final ReactorClock INSTANCE = new ReactorClock();

    private ReactorClock() {}

    /** Nanoseconds on Reactor's parallel scheduler clock (looked up on every call: virtual time swaps it). */
    static long nowNanos() {
        return Schedulers.parallel().now(TimeUnit.NANOSECONDS);
    }

    static long nowMillis() {
        return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public long millis() {
        return nowMillis();
    }

    @Override
    public Instant instant() {
        long n = nowNanos();
        return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
    }
}
