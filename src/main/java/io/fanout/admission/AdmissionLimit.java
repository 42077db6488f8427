package io.fanout.admission;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The in-flight counter and the limit it is held to; no queue. {@link #tryAcquire()} either takes a place at once
 * or refuses; {@link Permit#release(boolean)} gives it back (once, however often it is called) and feeds the
 * request's latency to the limit. Lock-free except inside Netflix's limit update, which is a short monitor section
 * (never I/O, never a wait).
 */
public final class AdmissionLimit {

    private final Limit limit;
    private final boolean adaptive;
    private final LongSupplier nanoClock;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    AdmissionLimit(Limit limit, boolean adaptive, LongSupplier nanoClock) {
        this.limit = limit;
        this.adaptive = adaptive;
        this.nanoClock = nanoClock;
    }

    /** A fixed limit of {@code max} requests in flight. */
    public static AdmissionLimit fixed(int max) {
        return new AdmissionLimit(FixedLimit.of(max), false, System::nanoTime);
    }

    /** The adaptive limit with the system clock. */
    public static AdmissionLimit adaptive(AdmissionProperties.Adaptive bounds) {
        return adaptive(bounds, System::nanoTime);
    }

    /**
     * Netflix's Gradient2 limit (the ratio of long-term to short-term latency steers the limit: it grows while
     * latency holds and falls when requests start to queue), fed per window of at least 10 samples or 1 s, clamped
     * to the configured bounds. {@code nanoClock} is {@link System#nanoTime()} except in tests.
     */
    static AdmissionLimit adaptive(AdmissionProperties.Adaptive bounds, LongSupplier nanoClock) {
        Gradient2Limit gradient = Gradient2Limit.newBuilder()
                .initialLimit(bounds.initialLimit())
                .minLimit(bounds.minLimit())
                .maxConcurrency(bounds.maxLimit())
                .build();
        Limit windowed = WindowedLimit.newBuilder()
                .minWindowTime(1, TimeUnit.SECONDS)
                .maxWindowTime(1, TimeUnit.SECONDS)
                .windowSize(10)
                .build(gradient);
        return new AdmissionLimit(windowed, true, nanoClock);
    }

    /** A place for one request, or {@code null} when the limit is reached (the caller refuses the request). */
    public @Nullable Permit tryAcquire() {
        int max = limit.getLimit();
        while (true) {
            int current = inFlight.get();
            if (current >= max) {
                refused.incrementAndGet();
                return null;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return new Permit(nanoClock.getAsLong(), current + 1);
            }
        }
    }

    /**
     * Counts a refusal and returns {@code true} when the limit is reached now; {@code false} (nothing counted) when
     * there is room. For {@link AdmissionGate}, which refuses but never takes a place.
     */
    boolean refuseIfFull() {
        if (!isFull()) {
            return false;
        }
        refused.incrementAndGet();
        return true;
    }

    /** Whether the in-flight count is at the limit now (a request arriving now would be refused). */
    boolean isFull() {
        return inFlight.get() >= limit.getLimit();
    }

    /** The limit now (moves with latency when adaptive). */
    public int limit() {
        return limit.getLimit();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Requests refused since start. */
    public int refusals() {
        return refused.get();
    }

    public boolean isAdaptive() {
        return adaptive;
    }

    /** One admitted request's place. */
    public final class Permit {

        private final long startNanos;
        private final int inFlightAtStart;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(long startNanos, int inFlightAtStart) {
            this.startNanos = startNanos;
            this.inFlightAtStart = inFlightAtStart;
        }

        /**
         * Gives the place back and reports the latency; {@code dropped} when the request ended in an error or was
         * cancelled by the client. Only the first call counts.
         */
        public void release(boolean dropped) {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            inFlight.decrementAndGet();
            long rtt = Math.max(1, nanoClock.getAsLong() - startNanos);
            limit.onSample(startNanos, rtt, inFlightAtStart, dropped);
        }
    }
}
