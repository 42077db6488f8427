package io.fanout.testsupport;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Allows the brief StampedLock Netty 4.2's adaptive allocator takes when it adds magazines under contention: a
 * synchronisation lock, not I/O, which Netty's own BlockHound integration does not list yet (see
 * line/armeria#6344). Without it, any test that happens to grow the allocator fails at random.
 */
public final class NettyAllocatorBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside(
                "io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    }
}
