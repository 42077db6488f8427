package io.fanout.upstream.resilience;

import java.util.Arrays;

/**
 * The last {@code capacity} attempts' durations and failure flags in a ring, enough for the status page's recent
 * p50/p99 and error rate without a histogram dependency. Snapshots sort a copy; recording is O(1).
 */
final class LatencyWindow {

    /** Recent percentiles and error rate over the attempts still in the ring. */
    record Snapshot(long p50Millis, long p99Millis, double errorRate, int samples) {}

    private final long[] nanos;
    private final boolean[] failed;
    private int next;
    private int size;

    LatencyWindow(int capacity) {
        this.nanos = new long[capacity];
        this.failed = new boolean[capacity];
    }

    synchronized void record(long durationNanos, boolean failure) {
        nanos[next] = durationNanos;
        failed[next] = failure;
        next = (next + 1) % nanos.length;
        if (size < nanos.length) {
            size++;
        }
    }

    Snapshot snapshot() {
        long[] copy;
        int failures = 0;
        synchronized (this) {
            copy = Arrays.copyOf(nanos, size);
            for (int i = 0; i < size; i++) {
                if (failed[i]) {
                    failures++;
                }
            }
        }
        if (copy.length == 0) {
            return new Snapshot(0, 0, 0, 0);
        }
        Arrays.sort(copy);
        return new Snapshot(
                percentile(copy, 0.50), percentile(copy, 0.99), (double) failures / copy.length, copy.length);
    }

    private static long percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1_000_000;
    }
}
