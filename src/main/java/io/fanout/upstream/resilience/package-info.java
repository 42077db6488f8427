/**
 * Per-upstream resilience policies as a decorator of {@link io.fanout.upstream.UpstreamClient}: cache and
 * stale-if-error, coalescing, budgeted retries, hedging, circuit breaker, rate limit, non-blocking bulkhead and the
 * per-attempt timeout. Each policy instance is built once per compiled config; nothing here blocks a thread, and
 * every wait runs on Reactor's clock so virtual-time tests can drive it. No knowledge of endpoints or envelopes.
 */
@NullMarked
package io.fanout.upstream.resilience;

import org.jspecify.annotations.NullMarked;
