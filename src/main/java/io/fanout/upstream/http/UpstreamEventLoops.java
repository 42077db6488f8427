package io.fanout.upstream.http;

import org.jspecify.annotations.Nullable;
import reactor.netty.resources.LoopResources;

/**
 * The event loops the HTTP upstream clients run on ({@code fanout.upstream.event-loops}; docs/event-loops.md).
 *
 * <p>{@code shared} (the default): Reactor Netty's global loops, which the server uses too; a call made on a loop
 * keeps its connection on that loop (colocation), the cheapest when the CPU has room. A number {@code n}: {@code n}
 * loops of their own ({@code fanout-upstream-epoll-*}), not colocated, so that reading upstream answers and composing
 * responses runs beside, not in front of, the server's loops that read requests and refuse the excess.
 */
public final class UpstreamEventLoops {

    /** The property that sets it. */
    public static final String PROPERTY = "fanout.upstream.event-loops";

    static final int MAX = 64;

    private final @Nullable LoopResources resources;

    private UpstreamEventLoops(@Nullable LoopResources resources) {
        this.resources = resources;
    }

    /** Reactor Netty's global loops, shared with the server. */
    public static UpstreamEventLoops shared() {
        return new UpstreamEventLoops(null);
    }

    /**
     * From the property's value: {@code shared} or a number of loops from 1 to 64.
     *
     * @throws IllegalArgumentException naming the property and the value when it is neither
     */
    public static UpstreamEventLoops of(String value) {
        int n = count(value);
        // daemon threads; no colocation: a call started on a server loop gets its connection on these loops
        return n == 0 ? shared() : new UpstreamEventLoops(LoopResources.create("fanout-upstream", 1, n, true, false));
    }

    /** {@code 0} for shared, else the number of loops. */
    static int count(String value) {
        String v = value.trim();
        if (v.equalsIgnoreCase("shared")) {
            return 0;
        }
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > MAX) {
            throw new IllegalArgumentException(
                    PROPERTY + " must be 'shared' or a number from 1 to " + MAX + " but was '" + value + "'");
        }
        return n;
    }

    /** The loops of their own, {@code null} when shared. */
    public @Nullable LoopResources resources() {
        return resources;
    }

    /** Releases the loops of their own, without waiting (Reactor Netty lets tasks already queued run). */
    public void dispose() {
        LoopResources r = resources;
        if (r != null) {
            r.dispose();
        }
    }
}
