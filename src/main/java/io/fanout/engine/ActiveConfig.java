package io.fanout.engine;

import io.fanout.plan.CompiledConfig;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

/**
 * The config version that new requests use. A request reads it once and keeps that instance, so a swap never
 * changes a request in flight; the replaced version's pools are closed once its longest deadline has passed.
 *
 * <p>The work a swap leaves running (warming the new version, the timer that retires the old one) belongs to this
 * holder, not to the caller: {@link #close()} cancels it and closes what is still waiting to be retired, so nothing
 * outlives the application context.
 */
public final class ActiveConfig implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ActiveConfig.class);

    private final AtomicReference<CompiledConfig> current;
    private final boolean warmUp;
    private final Disposable.Composite background = Disposables.composite();
    /** Versions replaced but not closed yet, each as the step that closes it. */
    private final Set<Runnable> retiring = ConcurrentHashMap.newKeySet();

    /** @param warmUp warm the upstreams of every version installed later ({@code fanout.warm-up}) */
    public ActiveConfig(CompiledConfig initial, boolean warmUp) {
        this.current = new AtomicReference<>(initial);
        this.warmUp = warmUp;
    }

    public CompiledConfig current() {
        return current.get();
    }

    /**
     * Starts warming the current version's upstreams when {@code fanout.warm-up} is on (at start-up, before the
     * server accepts requests); it runs in the background until done or {@link #close()}.
     */
    public void warmUpCurrent() {
        if (warmUp) {
            run(current.get().warmUp());
        }
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
            run(next.warmUp());
        }
        Duration grace = previous.endpoints().stream()
                .map(e -> e.deadline())
                .max(Duration::compareTo)
                .orElse(Duration.ZERO)
                .plusSeconds(5);
        // clients the new version reuses stay open; the others close once no request can still be using them
        Runnable retire = () -> previous.closeReplacedBy(next);
        retiring.add(retire);
        run(Mono.delay(grace)
                .doOnNext(t -> {
                    if (retiring.remove(retire)) {
                        retire.run();
                    }
                })
                .then());
    }

    /** Runs {@code work} in the background, owned by {@link #background} until it ends. */
    private void run(Mono<Void> work) {
        if (background.isDisposed()) {
            return;
        }
        AtomicReference<Disposable> self = new AtomicReference<>();
        Disposable running = work.onErrorResume(e -> {
                    log.warn("background work of the active config failed: {}", e.toString());
                    return Mono.empty();
                })
                .doFinally(signal -> {
                    Disposable d = self.get();
                    if (d != null) {
                        background.remove(d);
                    }
                })
                .subscribe();
        self.set(running);
        background.add(running);
        if (running.isDisposed()) { // it finished before it was added
            background.remove(running);
        }
    }

    /** Cancels background work, closes the versions waiting to be retired, then the current one. */
    @Override
    public void close() {
        background.dispose();
        for (Runnable retire : retiring) {
            if (retiring.remove(retire)) {
                retire.run();
            }
        }
        current.get().close();
    }
}
