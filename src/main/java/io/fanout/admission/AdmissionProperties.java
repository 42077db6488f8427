package io.fanout.admission;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Admission control of composite requests ({@code fanout.server.*}, SPEC §11).
 *
 * @param maxInFlight composite requests (buffered or streamed) one instance admits at a time: {@code adaptive} (the
 *                    default: a Gradient2 limit that follows measured latency), a positive number (a fixed limit), or
 *                    {@code off} (no admission control at all)
 * @param retryAfter  the {@code Retry-After} of a refused request (rounded up to whole seconds, at least 1 s)
 * @param adaptive    bounds of the adaptive limit
 */
@Validated
@ConfigurationProperties("fanout.server")
public record AdmissionProperties(
        @DefaultValue("adaptive") String maxInFlight,
        @DefaultValue("1s") Duration retryAfter,
        @DefaultValue Adaptive adaptive) {

    /**
     * The adaptive limit's bounds.
     *
     * @param initialLimit the limit before any latency was measured
     * @param minLimit     the adaptive limit never goes below this (a latency spike must not starve the instance)
     * @param maxLimit     the adaptive limit never goes above this
     * @param algorithm    how the limit follows latency: {@code gradient2} (the default: grows until the latency
     *                     exceeds its long-term average by half) or {@code vegas} (grows while the latency stays near
     *                     the lowest measured: holds the limit at the capacity, but refuses when a saturated instance's
     *                     own latency rises; docs/admission-limit.md)
     * @param window       how often the limit is updated from the latencies measured since the last update (at
     *                     least 10 requests per update)
     */
    public record Adaptive(
            @DefaultValue("100") int initialLimit,
            @DefaultValue("20") int minLimit,
            @DefaultValue("1000") int maxLimit,
            @DefaultValue("gradient2") Algorithm algorithm,
            @DefaultValue("1s") Duration window) {

        public Adaptive {
            if (minLimit < 1 || maxLimit < minLimit || initialLimit < minLimit || initialLimit > maxLimit) {
                throw new IllegalArgumentException("fanout.server.adaptive needs 1 <= min-limit <= initial-limit <= "
                        + "max-limit but was min-limit=" + minLimit + ", initial-limit=" + initialLimit
                        + ", max-limit=" + maxLimit);
            }
            if (window.toMillis() < 10 || window.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException(
                        "fanout.server.adaptive.window must be between 10ms and 1m but was " + window);
            }
        }
    }

    /** The adaptive limit's algorithm (Netflix {@code concurrency-limits}). */
    public enum Algorithm {
        /** TCP Vegas applied to requests: estimates the queue from the lowest latency seen and keeps it small. */
        VEGAS,
        /** Gradient2: the ratio of the long-term to the recent latency, with a tolerance of 1.5. */
        GRADIENT2
    }

    public AdmissionProperties {
        mode(maxInFlight);
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("fanout.server.retry-after must not be negative but was " + retryAfter);
        }
    }

    /** {@code -1} for adaptive, {@code 0} for off, else the fixed limit; a bad value fails start-up naming it. */
    static int mode(String value) {
        String v = value.trim();
        if (v.equalsIgnoreCase("adaptive")) {
            return -1;
        }
        if (v.equalsIgnoreCase("off")) {
            return 0;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("fanout.server.max-in-flight must be 'adaptive', 'off' or a positive "
                + "number but was '" + value + "'");
    }
}
