package io.fanout.definition;

import java.time.Duration;

/** A rate such as {@code 500/s}: {@code permits} per {@code period}. */
public record Rate(long permits, Duration period) {

    /** Permits per second as a double. */
    public double perSecond() {
        return permits * 1_000_000_000.0 / period.toNanos();
    }

    @Override
    public String toString() {
        long s = period.toSeconds();
        String unit = s == 1 ? "s" : s == 60 ? "m" : s == 3600 ? "h" : period.toMillis() + "ms";
        return permits + "/" + unit;
    }
}
