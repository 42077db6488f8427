package io.fanout.upstream;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A typed failure of one upstream call. Stackless: failures are expected outcomes on the hot path, and their
 * messages are written for clients (never a driver's or a library's raw text).
 */
public final class CallFailure extends RuntimeException {

    /**
     * The longest wait a failure may ask for. Longer (absurd) values are clamped to it, so arithmetic on a wait
     * never overflows; it is beyond any request's deadline, so a retry that honours it never happens.
     */
    public static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

    private final ErrorType type;
    private final int status;
    private final @Nullable Duration retryAfter;

    public CallFailure(ErrorType type, String message) {
        this(type, message, 0, null);
    }

    public CallFailure(ErrorType type, String message, int status, @Nullable Duration retryAfter) {
        super(message, null, false, false);
        this.type = type;
        this.status = status;
        this.retryAfter = retryAfter == null ? null : clamp(retryAfter);
    }

    /** {@code wait} within {@code [0, MAX_RETRY_AFTER]}. */
    public static Duration clamp(Duration wait) {
        return wait.isNegative() ? Duration.ZERO : wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }

    /** An upstream answered with a non-2xx status. */
    public static CallFailure status(String upstream, int status, @Nullable Duration retryAfter) {
        return new CallFailure(ErrorType.UPSTREAM_STATUS, upstream + " answered " + status, status, retryAfter);
    }

    public ErrorType type() {
        return type;
    }

    /** The upstream's HTTP status for {@link ErrorType#UPSTREAM_STATUS}, else 0. */
    public int status() {
        return status;
    }

    /** How long the upstream (or a local policy) asked us to wait, if it said; at most {@link #MAX_RETRY_AFTER}. */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }
}
