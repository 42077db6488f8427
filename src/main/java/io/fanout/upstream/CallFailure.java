package io.fanout.upstream;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A typed failure of one upstream call. Stackless: failures are expected outcomes on the hot path, and their
 * messages are written for clients (never a driver's or a library's raw text).
 */
public final class CallFailure extends RuntimeException {

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
        this.retryAfter = retryAfter;
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

    /** How long the upstream (or a local policy) asked us to wait, if it said. */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }
}
