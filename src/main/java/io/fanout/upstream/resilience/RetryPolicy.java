package io.fanout.upstream.resilience;

import io.fanout.definition.RetryDefinition;
import io.fanout.upstream.CallFailure;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Which failures a {@link RetryDefinition} retries and how long to wait before retry number n: exponential backoff
 * with full jitter (uniform in {@code [0, min(max-backoff, backoff * 2^(n-1))]}), raised to the upstream's
 * {@code Retry-After} when that is longer.
 */
final class RetryPolicy {

    private final RetryDefinition definition;

    RetryPolicy(RetryDefinition definition) {
        this.definition = definition;
    }

    int maxAttempts() {
        return Math.max(1, definition.attempts());
    }

    /** True when the definition lists this failure; overload, deadline and 4xx-not-listed failures are final. */
    boolean retries(Throwable error) {
        if (!(error instanceof CallFailure failure)) {
            return false;
        }
        return switch (failure.type()) {
            case CONNECT_ERROR -> definition.onConnectError();
            case TIMEOUT -> definition.onTimeout();
            case UPSTREAM_STATUS -> definition.onStatuses().contains(failure.status());
            default -> false;
        };
    }

    /** The delay before retry number {@code retry} (1 for the first retry). */
    Duration delayBefore(int retry, @Nullable Duration retryAfter, RandomGenerator random) {
        long base = Math.max(0, definition.backoff().toMillis());
        long cap = Math.max(0, definition.maxBackoff().toMillis());
        int shift = Math.min(30, Math.max(0, retry - 1));
        long exponential = base > (Long.MAX_VALUE >> shift) ? cap : Math.min(cap, base << shift);
        long jittered = exponential == 0 ? 0 : random.nextLong(exponential + 1);
        long honoured = retryAfter == null ? 0 : retryAfter.toMillis();
        return Duration.ofMillis(Math.max(jittered, honoured));
    }
}
