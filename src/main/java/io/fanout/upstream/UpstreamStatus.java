package io.fanout.upstream;

import org.jspecify.annotations.Nullable;

/**
 * A point-in-time view of one upstream's protection ({@link UpstreamClient#status()}), for
 * {@code GET /admin/upstreams/{name}/status} and the health details. Fields of policies that are not configured are
 * null.
 *
 * @param upstream               the upstream's name
 * @param circuitState           {@code closed}, {@code open}, {@code half-open} (…), or null without a breaker
 * @param circuitFailureRate     the breaker's failure share (0..1) over its window, or null (too few calls, no breaker)
 * @param bulkheadInUse          permits held
 * @param bulkheadWaiting        callers queued for a permit
 * @param bulkheadMax            max-concurrent
 * @param rateLimiterAvailable   whole tokens available now
 * @param rateLimiterWaiting     callers waiting for a reserved token
 * @param p50Millis              median duration of the recent attempts
 * @param p99Millis              99th percentile of the recent attempts
 * @param errorRate              share (0..1) of the recent attempts that failed in a way the breaker counts
 * @param recentAttempts         how many attempts the three figures above are computed over
 */
public record UpstreamStatus(
        String upstream,
        @Nullable String circuitState,
        @Nullable Double circuitFailureRate,
        @Nullable Integer bulkheadInUse,
        @Nullable Integer bulkheadWaiting,
        @Nullable Integer bulkheadMax,
        @Nullable Double rateLimiterAvailable,
        @Nullable Integer rateLimiterWaiting,
        long p50Millis,
        long p99Millis,
        double errorRate,
        int recentAttempts) {}
