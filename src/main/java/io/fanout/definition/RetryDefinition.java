package io.fanout.definition;

import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Retries of idempotent calls with exponential backoff and full jitter, limited by a budget.
 *
 * @param attempts      total attempts, the first included (≥ 1)
 * @param backoff       base delay before the first retry
 * @param maxBackoff    cap of the exponential delay
 * @param onConnectError retry when the connection could not be made
 * @param onTimeout     retry when an attempt timed out
 * @param onStatuses    upstream statuses that are retried
 * @param budget        retries may be at most this share (0..1) of recent calls, plus a small floor
 */
public record RetryDefinition(
        int attempts,
        Duration backoff,
        Duration maxBackoff,
        boolean onConnectError,
        boolean onTimeout,
        Set<Integer> onStatuses,
        double budget) {

    public RetryDefinition {
        onStatuses = Collections.unmodifiableSet(new TreeSet<>(onStatuses));
    }
}
