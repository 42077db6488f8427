package io.fanout.examples;

import io.fanout.upstream.CallFailure;
import io.fanout.upstream.blocking.BlockingCall;
import io.fanout.upstream.blocking.BlockingSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An example {@code kind: java} upstream: a stand-in for a vendor inventory SDK whose client blocks for the length
 * of a network round trip. {@code GET /items/{sku}} answers one item; {@code ?delay=ms} makes the "SDK" slow, to
 * show that a cancelled call interrupts it. Fanout only ever calls it on the upstream's own threads (BlockHound
 * would fail the tests otherwise, since {@link Thread#sleep} is blocking).
 *
 * <pre>{@code
 * upstreams:
 *   inventory: { kind: java, class: io.fanout.examples.InventorySource, pool-size: 4, timeout: 300ms }
 * }</pre>
 */
public final class InventorySource implements BlockingSource {

    /** Calls that were interrupted while blocked, for tests to observe. */
    public static final AtomicInteger INTERRUPTED = new AtomicInteger();
    /** Threads that ran {@link #fetch}, for tests to observe. */
    public static final Map<String, Boolean> THREADS = new ConcurrentHashMap<>();

    private static final Map<String, Map<String, Object>> ITEMS = Map.of(
            "A-1", Map.of("sku", "A-1", "name", "anvil", "stock", 3, "warehouses", List.of("north", "south")),
            "B-2", Map.of("sku", "B-2", "name", "bucket", "stock", 0, "warehouses", List.of()));

    @Override
    public Object fetch(BlockingCall call) throws Exception {
        THREADS.put(Thread.currentThread().getName(), Boolean.TRUE);
        String delay = call.queryParameter("delay");
        if (delay != null) {
            try {
                Thread.sleep(Long.parseLong(delay));
            } catch (InterruptedException e) {
                INTERRUPTED.incrementAndGet();
                throw e;
            }
        }
        if (!call.path().startsWith("/items/")) {
            throw CallFailure.status(call.upstream(), 404, null);
        }
        Map<String, Object> item = ITEMS.get(call.path().substring("/items/".length()));
        if (item == null) {
            throw CallFailure.status(call.upstream(), 404, null);
        }
        return Map.of(
                "item",
                item,
                "requestId",
                call.requestId(),
                "lang",
                call.header("Accept-Language") == null ? "" : call.header("Accept-Language"));
    }
}
