package io.fanout.admission;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
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

    /**
     * Vegas measures its latency without queueing again every 2.5-5 x limit windows (the library's default is 30):
     * at the minimum limit after a lasting rise of the upstreams' latency that is within 50-100 s, not 5-10 min;
     * under a lasting overload each re-measurement may take a queued latency as the base, so it is not more often.
     */
    static final int VEGAS_PROBE_MULTIPLIER = 5;

    private final Limit limit;
    private final boolean adaptive;
    /** The limit never goes below this ({@code min-limit}; Vegas itself only stops at 1). */
    private final int floor;

    private final LongSupplier nanoClock;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    private AdmissionLimit(Limit limit, boolean adaptive, int floor, LongSupplier nanoClock) {
        this.limit = limit;
        this.adaptive = adaptive;
        this.floor = floor;
        this.nanoClock = nanoClock;
    }

    /** A fixed limit of {@code max} requests in flight. */
    public static AdmissionLimit fixed(int max) {
        return new AdmissionLimit(FixedLimit.of(max), false, 1, System::nanoTime);
    }

    /** The adaptive limit with the system clock. */
    public static AdmissionLimit adaptive(AdmissionProperties.Adaptive bounds) {
        return adaptive(bounds, System::nanoTime);
    }

    /**
     * Netflix's adaptive limit ({@link AdmissionProperties.Algorithm}), fed per window ({@code window}, at least 10
     * samples, the window's average latency), clamped to the configured bounds. {@code nanoClock} is
     * {@link System#nanoTime()} except in tests.
     *
     * <p>Vegas keeps the lowest window latency seen as the latency without queueing and estimates the queue as
     * {@code limit x (1 - lowest / now)}: the limit grows while fewer than 3 x log10(limit) requests queue and falls
     * when more than 6 x log10(limit) do (and on a window with dropped requests); every 2.5-5 x limit windows the
     * lowest latency is measured again, so a lasting change of the upstreams' latency is followed. Gradient2 instead
     * compares the recent latency with an average over the last ~600 windows and lets it grow to 1.5x that average;
     * its average includes whatever latency the instance had when it started (a cold JIT) and under load, so under
     * overload its limit sat 50 % above the capacity, where Vegas' sat at it; but Vegas refused 40 % of a closed-loop
     * load the instance could serve when its own latency was all there was (0 ms upstreams), so Gradient2 stays the
     * default (docs/admission-limit.md; docs/benchmarks.md, runs J, K, L).
     */
    static AdmissionLimit adaptive(AdmissionProperties.Adaptive bounds, LongSupplier nanoClock) {
        Limit algorithm = switch (bounds.algorithm()) {
            case VEGAS ->
                VegasLimit.newBuilder()
                        .initialLimit(bounds.initialLimit())
                        .maxConcurrency(bounds.maxLimit())
                        // its own decrease stops at 1: stop at min-limit, so it climbs back from there
                        .decreaseFunction(l -> Math.max(bounds.minLimit(), l - Math.max(1, Math.log10(l))))
                        .probeMultiplier(VEGAS_PROBE_MULTIPLIER)
                        .build();
            case GRADIENT2 ->
                Gradient2Limit.newBuilder()
                        .initialLimit(bounds.initialLimit())
                        .minLimit(bounds.minLimit())
                        .maxConcurrency(bounds.maxLimit())
                        .build();
        };
        long window = bounds.window().toNanos();
        Limit windowed = WindowedLimit.newBuilder()
                .minWindowTime(window, TimeUnit.NANOSECONDS)
                .maxWindowTime(window, TimeUnit.NANOSECONDS)
                .windowSize(10)
                .build(algorithm);
        return new AdmissionLimit(windowed, true, bounds.minLimit(), nanoClock);
    }

    /** A place for one request, or {@code null} when the limit is reached (the caller refuses the request). */
    public @Nullable Permit tryAcquire() {
        int max = limit();
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
        return inFlight.get() >= limit();
    }

    /** The limit now (moves with latency when adaptive). */
    public int limit() {
        return Math.max(floor, limit.getLimit());
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
