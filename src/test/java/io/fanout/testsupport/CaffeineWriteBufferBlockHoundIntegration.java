package io.fanout.testsupport;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Allows the one place Caffeine may take its eviction lock on a request thread: {@code BoundedLocalCache#afterWrite}
 * when its write buffer is full (a burst of new clients faster than its maintenance drains), where the writer helps
 * with eviction instead of spinning. That is a short in-memory critical section, not I/O; normal maintenance runs on
 * ForkJoinPool's common pool. Only the edge's local quota buckets ({@code io.fanout.edge.LocalQuotaStore}) write to a
 * Caffeine cache on a request thread, and only once per new client (docs/edge.md).
 */
public final class CaffeineWriteBufferBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("com.github.benmanes.caffeine.cache.BoundedLocalCache", "afterWrite");
    }
}
