package io.fanout.engine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fanout.plan.CompiledConfig;
import reactor.core.publisher.Mono;

/**
 * The config version that new requests use. A request reads it once and keeps that instance, so a swap never
 * changes a request in flight; the replaced version's pools are closed once its longest deadline has passed.
 */
public final class ActiveConfig implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ActiveConfig.class);

    private final AtomicReference<CompiledConfig> current;
    private final boolean warmUp;

    /** @param warmUp warm the upstreams of every version installed later ({@code fanout.warm-up}) */
    public ActiveConfig(CompiledConfig initial, boolean warmUp) {
        this.current = new AtomicReference<>(initial);
        this.warmUp = warmUp;
    }

    public CompiledConfig current() {
        return current.get();
    }

    /**
     * Installs {@code next} for new requests and retires the previous version after a grace period. Compile
     * {@code next} with the current version as its predecessor so unchanged upstreams keep their clients.
     */
    public void swap(CompiledConfig next) {
        CompiledConfig previous = current.getAndSet(next);
        if (previous == next) {
            return;
        }
        log.info("config version {} active (was {})", next.version(), previous.version());
        if (warmUp) {
            next.warmUp().subscribe();
        }
        Duration grace = previous.endpoints().stream().map(e -> e.deadline()).max(Duration::compareTo)
                .orElse(Duration.ZERO).plusSeconds(5);
        // clients the new version reuses stay open; the others close once no request can still be using them
        Mono.delay(grace).subscribe(t -> previous.closeReplacedBy(next));
    }

    @Override
    public void close() {
        current.get().close();
    }
}
