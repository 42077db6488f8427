package io.fanout.definition;

import java.time.Duration;

/**
 * At most {@code maxConcurrent} calls in flight; a call may wait up to {@code maxWait} for a permit.
 *
 * @param batchShare share (0..1] of {@code maxConcurrent} that batch-job traffic may use (default 0.5)
 */
public record BulkheadDefinition(int maxConcurrent, Duration maxWait, double batchShare) {
    public static final double DEFAULT_BATCH_SHARE = 0.5;
}
