package io.fanout.reload;

import io.fanout.compile.ConfigPipeline;
import io.fanout.compile.ValidatedConfig;
import io.fanout.definition.InvalidConfigException;
import io.fanout.engine.ActiveConfig;
import io.fanout.plan.CompiledConfig;
import io.fanout.store.ConfigChangeListener;
import io.fanout.store.ConfigStore;
import io.fanout.store.StoredConfig;
import io.fanout.store.VersionConflict;
import io.fanout.upstream.UpstreamClient;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Keeps this instance on the latest stored config version: a change made here is validated, compiled once, stored
 * and swapped in; a change stored by another instance arrives through {@link ConfigChangeListener} and is compiled
 * and swapped in the same way. Versions only move forward, whichever of the two paths finishes first.
 *
 * <p>Compiling is CPU work (no I/O), but building a large config's upstream clients and plans takes milliseconds;
 * it runs on a worker scheduler so that event-loop threads keep serving requests meanwhile.
 */
public final class ConfigApplier implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConfigApplier.class);

    private final ActiveConfig active;
    private final ConfigPipeline pipeline;
    private final ConfigStore store;
    private final ConfigChangeListener listener;
    private final Scheduler compileOn;
    private @Nullable Disposable following;

    public ConfigApplier(
            ActiveConfig active, ConfigPipeline pipeline, ConfigStore store, ConfigChangeListener listener) {
        this.active = active;
        this.pipeline = pipeline;
        this.store = store;
        this.listener = listener;
        this.compileOn = Schedulers.boundedElastic();
    }

    /**
     * Stores a validated document as the version after {@code expectedVersion} and makes it active here, compiling
     * it once without checking it again. Nothing is stored or applied when it is not valid
     * ({@link InvalidConfigException} listing every problem) or when {@code expectedVersion} is no longer the latest
     * ({@link VersionConflict}).
     */
    public Mono<StoredConfig> store(ValidatedConfig config, long expectedVersion, String author, String reason) {
        long version = expectedVersion + 1;
        Map<String, Object> document = config.document();
        return compile(() -> config, version)
                .flatMap(candidate -> store.append(document, expectedVersion, author, reason)
                        .doOnError(refused -> discard(candidate))
                        .doOnCancel(() -> discard(candidate))
                        .flatMap(stored -> {
                            try {
                                install(candidate);
                                return Mono.just(stored);
                            } catch (BasisChanged changed) {
                                // stored already: it must still become active, compiled against what is active now
                                return compileAndInstall(() -> config, version).thenReturn(stored);
                            }
                        }));
    }

    /** The version this instance serves now. */
    public long activeVersion() {
        return active.current().version();
    }

    /** A compiled version and the active version it was compiled against (whose unchanged clients it shares). */
    private record Candidate(CompiledConfig compiled, CompiledConfig basis) {}

    /** Thrown by {@link #install} when another version became active while a candidate was being compiled. */
    private static final class BasisChanged extends RuntimeException {
        BasisChanged() {
            super("the active config changed while compiling", null, false, false);
        }
    }

    /** Compiles off the event loop; {@code config} may validate there too (a version stored elsewhere). */
    private Mono<Candidate> compile(Supplier<ValidatedConfig> config, long version) {
        return Mono.fromCallable(() -> {
                    CompiledConfig basis = active.current();
                    return new Candidate(pipeline.compile(config.get(), version, basis), basis);
                })
                .subscribeOn(compileOn);
    }

    /** Compiles and installs a stored version unless a version at least as new is active; retried on a race. */
    private Mono<Boolean> compileAndInstall(Supplier<ValidatedConfig> config, long version) {
        return Mono.defer(() -> version <= activeVersion()
                        ? Mono.just(false)
                        : compile(config, version).map(this::install))
                .retryWhen(Retry.max(10).filter(BasisChanged.class::isInstance));
    }

    /**
     * Makes the candidate active unless the active version is already as new (then it is dropped). The check and
     * the swap are one step for the two paths that install versions, and a candidate compiled against a version
     * that is no longer active is refused ({@link BasisChanged}): it may share clients that version's retirement
     * is about to close.
     */
    private synchronized boolean install(Candidate candidate) {
        CompiledConfig current = active.current();
        if (candidate.compiled().version() <= current.version()) {
            discard(candidate);
            return false;
        }
        if (current != candidate.basis()) {
            discard(candidate);
            throw new BasisChanged();
        }
        active.swap(candidate.compiled());
        return true;
    }

    /** Closes the clients that compiling the candidate created; the ones it shares with its basis stay open. */
    private static void discard(Candidate candidate) {
        Set<UpstreamClient> shared = Collections.newSetFromMap(new IdentityHashMap<>());
        shared.addAll(candidate.basis().upstreams().values());
        candidate.compiled().upstreams().values().stream()
                .filter(client -> !shared.contains(client))
                .forEach(UpstreamClient::close);
    }

    /** Follows the versions other instances store; one that does not compile here is logged, never applied. */
    @Override
    public synchronized void start() {
        if (following != null) {
            return;
        }
        following = listener.changes()
                .onBackpressureLatest()
                .concatMap(version -> version <= activeVersion() ? Mono.<Void>empty() : applyLatest(version), 1)
                .subscribe();
    }

    private Mono<Void> applyLatest(long announced) {
        return store.latest()
                .filter(latest -> latest.version() > activeVersion())
                .flatMap(latest -> compileAndInstall(
                                () -> pipeline.validate(latest.document()).requireValid(), latest.version())
                        .doOnNext(installed -> {
                            if (installed) {
                                log.info(
                                        "applied config version {} stored by {} ({})",
                                        latest.version(),
                                        latest.info().createdBy(),
                                        latest.info().reason());
                            }
                        })
                        .onErrorResume(InvalidConfigException.class, invalid -> {
                            log.error(
                                    "config version {} cannot be applied on this instance, still serving version"
                                            + " {}: {}",
                                    latest.version(),
                                    activeVersion(),
                                    invalid.getMessage());
                            return Mono.empty();
                        }))
                .then()
                // a database hiccup: the listener announces a version only once, so try a few times before giving up
                .retryWhen(Retry.backoff(5, Duration.ofMillis(200)))
                .onErrorResume(failure -> {
                    log.warn(
                            "could not apply config version {} (the next stored version will be): {}",
                            announced,
                            failure.toString());
                    return Mono.empty();
                });
    }

    @Override
    public synchronized void stop() {
        if (following != null) {
            following.dispose();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return following != null && !following.isDisposed();
    }
}
