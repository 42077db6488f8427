package io.fanout.reload;

import io.fanout.compile.ConfigPipeline;
import io.fanout.definition.InvalidConfigException;
import io.fanout.store.ConfigStore;
import io.fanout.store.StoredConfig;
import io.fanout.store.VersionConflict;
import io.fanout.store.VersionInfo;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Database mode's config (SPEC §3, §4): the latest stored version is current; a change is validated, stored as the
 * next version with optimistic concurrency and applied here through {@link ConfigApplier} (other instances follow
 * through LISTEN/NOTIFY).
 */
public final class DatabaseConfigSource implements ConfigSource {

    /** How often an unconditional change is redone on a newer version when another change lands first. */
    private static final int UNCONDITIONAL_RETRIES = 3;

    private final ConfigStore store;
    private final ConfigApplier applier;
    private final ConfigPipeline pipeline;

    public DatabaseConfigSource(ConfigStore store, ConfigApplier applier, ConfigPipeline pipeline) {
        this.store = store;
        this.applier = applier;
        this.pipeline = pipeline;
    }

    @Override
    public Mono<StoredConfig> current() {
        return store.latest();
    }

    @Override
    public Mono<StoredConfig> version(long n) {
        return store.version(n);
    }

    @Override
    public Mono<VersionPage> versions(long before, int limit) {
        return store.versions(before, limit)
                .collectList()
                .map(page ->
                        new VersionPage(applier.activeVersion(), page, page.size() == limit ? oldest(page) : null));
    }

    private static long oldest(List<VersionInfo> page) {
        return page.get(page.size() - 1).version();
    }

    @Override
    public Optional<String> readOnly() {
        return Optional.empty();
    }

    /**
     * Reads the latest version, checks and stores. Without {@code If-Match} the client asked for its edit on whatever
     * is latest: when another change lands between reading the latest version and storing, the edit is redone on the
     * newer one (validated again); with it, the change is {@link ChangeOutcome.Stale}.
     */
    @Override
    public Mono<ChangeOutcome> propose(ProposedChange change) {
        Mono<ChangeOutcome> attempt = Mono.defer(() -> store.latest()
                .flatMap(current -> ChangeCheck.check(
                        pipeline,
                        current,
                        change,
                        valid -> applier.store(valid, current.version(), change.author(), change.reason())
                                .map(ChangeOutcome.Committed::new))));
        return attempt.retryWhen(Retry.max(change.ifMatch() == null ? UNCONDITIONAL_RETRIES : 0)
                        .filter(VersionConflict.class::isInstance)
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
                .onErrorResume(
                        VersionConflict.class,
                        conflict -> Mono.just(new ChangeOutcome.Stale(
                                "\"" + conflict.expectedVersion() + "\"", conflict.latestVersion())))
                .onErrorResume(
                        InvalidConfigException.class,
                        invalid -> Mono.just(new ChangeOutcome.Invalid(invalid.problems())));
    }
}
