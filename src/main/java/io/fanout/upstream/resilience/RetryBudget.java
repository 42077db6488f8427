package io.fanout.upstream.resilience;

import java.time.Duration;

/**
 * Caps extra attempts (retries, or hedges) at a share of the calls seen recently, plus a small floor, so a failing
 * upstream is not hit by a retry storm: with every call failing, calls + extras stay within
 * {@code calls * (1 + share) + floor} per window.
 *
 * <p>The window is {@value #BUCKETS} one-second buckets on Reactor's clock ({@link #DEFAULT_WINDOW}); old buckets
 * are reset lazily when time reaches them again. The floor ({@value #DEFAULT_FLOOR} per window by default) lets an
 * upstream with little traffic still retry a rare failure.
 */
public final class RetryBudget {

    /** Extra attempts allowed per window whatever the share (see the class comment). */
    public static final int DEFAULT_FLOOR = 10;

    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);
    private static final int BUCKETS = 10;

    private final double share;
    private final int floor;
    private final long bucketMillis;
    private final long[] epochs = new long[BUCKETS];
    private final long[] calls = new long[BUCKETS];
    private final long[] extras = new long[BUCKETS];

    public RetryBudget(double share, int floor, Duration window) {
        this.share = Math.max(0, share);
        this.floor = Math.max(0, floor);
        this.bucketMillis = Math.max(1, window.toMillis() / BUCKETS);
        java.util.Arrays.fill(epochs, Long.MIN_VALUE);
    }

    /** A budget of {@code share} of recent calls plus {@link #DEFAULT_FLOOR} per {@link #DEFAULT_WINDOW}. */
    public static RetryBudget ofShare(double share) {
        return new RetryBudget(share, DEFAULT_FLOOR, DEFAULT_WINDOW);
    }

    /** Counts one call (a first attempt); calls earn the budget. */
    public synchronized void recordCall() {
        calls[bucket()]++;
    }

    /** Takes one extra attempt from the budget; false when the budget is spent. */
    public synchronized boolean tryAcquire() {
        int current = bucket();
        long windowCalls = 0;
        long windowExtras = 0;
        for (int i = 0; i < BUCKETS; i++) {
            windowCalls += calls[i];
            windowExtras += extras[i];
        }
        if (windowExtras + 1 > share * windowCalls + floor) {
            return false;
        }
        extras[current]++;
        return true;
    }

    private int bucket() {
        long epoch = Math.floorDiv(ReactorClock.nowMillis(), bucketMillis);
        // forget buckets that fell out of the window (or belong to another clock)
        for (int i = 0; i < BUCKETS; i++) {
            if (epochs[i] != Long.MIN_VALUE && (epochs[i] > epoch || epoch - epochs[i] >= BUCKETS)) {
                epochs[i] = Long.MIN_VALUE;
                calls[i] = 0;
                extras[i] = 0;
            }
        }
        int index = (int) Math.floorMod(epoch, (long) BUCKETS);
        if (epochs[index] != epoch) {
            epochs[index] = epoch;
            calls[index] = 0;
            extras[index] = 0;
        }
        return index;
    }
}
