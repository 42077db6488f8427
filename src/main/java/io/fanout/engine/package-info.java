/**
 * Runs compiled endpoint plans: the dependency graph with maximal concurrency, for-each, the request deadline,
 * partial and fail-fast, cancellation, and rendering of the data/errors/meta envelope. No HTTP server types: the web
 * layer adapts requests in and bytes out.
 */
@NullMarked
package io.fanout.engine;

import org.jspecify.annotations.NullMarked;
