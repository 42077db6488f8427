package io.fanout.testsupport;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition on the test thread until it holds or a deadline passes. For effects that happen after the
 * answer (an upstream noticing a closed connection), which a test cannot await any other way.
 */
public final class Eventually {

    private Eventually() {}

    /** Waits until {@code condition} holds; fails with {@code what} and the last observed state otherwise. */
    public static void await(Duration timeout, String what, BooleanSupplier condition, Supplier<?> observed) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("within " + timeout.toMillis() + "ms expected " + what + " but observed " + observed.get());
            }
            try {
                Thread.sleep(20); // test thread only: BlockHound flags blocking on non-blocking threads
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + what);
            }
        }
    }
}
