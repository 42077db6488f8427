/**
 * Upstreams that only have blocking clients: {@code kind: jdbc} (a HikariCP pool and read-only queries) and
 * {@code kind: java} (a user's {@link io.fanout.upstream.blocking.BlockingSource}). Each runs on a
 * {@link io.fanout.upstream.blocking.BlockingLane} of its own, sized to its pool, so blocking work never reaches an
 * event loop and never queues where the bulkhead cannot see it. No endpoint or envelope knowledge here.
 */
@NullMarked
package io.fanout.upstream.blocking;

import org.jspecify.annotations.NullMarked;
