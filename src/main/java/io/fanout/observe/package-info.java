/**
 * Observability: the per-request trace the engine and the transports report to ({@link io.fanout.observe.RequestObserver},
 * {@link io.fanout.observe.RequestTrace}, {@link io.fanout.observe.CallTrace}), its Micrometer Tracing implementation
 * (a span per composite request or job item, a child span per upstream attempt, W3C context in and out), the access
 * log, the gateway-overhead metric and the structured-log field names. Depends on no other Fanout package, so the
 * engine, the transports and the web layer can all report here without a cycle. Nothing here is propagated through
 * Reactor's context: each hook is handed its trace explicitly, so with tracing off the hot path pays nothing.
 */
@NullMarked
package io.fanout.observe;

import org.jspecify.annotations.NullMarked;
