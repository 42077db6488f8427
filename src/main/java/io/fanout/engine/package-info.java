/**
 * Runs compiled endpoint plans: the dependency graph with maximal concurrency, for-each, the request deadline,
 * partial and fail-fast, cancellation, handing back a structured result; and the active config holder, which owns
 * the background work of a swap. No Spring and no HTTP types: outcomes, not statuses; the web layer adapts
 * requests in and {@code io.fanout.render} writes bytes out.
 */
@NullMarked
package io.fanout.engine;

import org.jspecify.annotations.NullMarked;
