package io.fanout.reload;

import io.fanout.compile.ConfigPipeline;
import io.fanout.definition.ConfigWriter;
import io.fanout.engine.ActiveConfig;
import io.fanout.plan.CompiledConfig;
import io.fanout.store.StoredConfig;
import io.fanout.store.VersionInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * File mode's config (SPEC §3): the active config, loaded from {@code fanout.config}, is the only version. Changes
 * are checked (a dry run answers its report or the located problems, SPEC §10) but never committed: there is no
 * database to keep them in.
 */
public final class FileConfigSource implements ConfigSource {

    private final ActiveConfig active;
    private final ConfigPipeline pipeline;
    private final String source;
    private final String readOnly;
    private final Instant loadedAt = Instant.now();

    /** @param source where the config came from ({@code fanout.config}), for messages */
    public FileConfigSource(ActiveConfig active, ConfigPipeline pipeline, String source) {
        this.active = active;
        this.pipeline = pipeline;
        this.source = source;
        this.readOnly = "read-only: no database configured (config comes from " + source
                + "; set spring.r2dbc.url to change it at runtime)";
    }

    @Override
    public Mono<StoredConfig> current() {
        return Mono.fromSupplier(() -> stored(active.current()));
    }

    @Override
    public Mono<StoredConfig> version(long n) {
        return current().filter(c -> c.version() == n);
    }

    @Override
    public Mono<VersionPage> versions(long before, int limit) {
        return current()
                .map(c -> new VersionPage(c.version(), c.version() < before ? List.of(c.info()) : List.of(), null));
    }

    @Override
    public Optional<String> readOnly() {
        return Optional.of(readOnly);
    }

    @Override
    public Mono<ChangeOutcome> propose(ProposedChange change) {
        return current()
                .flatMap(c -> ChangeCheck.check(
                        pipeline, c, change, valid -> Mono.just(new ChangeOutcome.ReadOnly(readOnly))));
    }

    private StoredConfig stored(CompiledConfig config) {
        return new StoredConfig(
                new VersionInfo(config.version(), loadedAt, "file", "loaded from " + source),
                ConfigWriter.document(config.definition()));
    }
}
