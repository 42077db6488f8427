package io.fanout.reload;

import io.fanout.store.StoredConfig;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * Where the config comes from and how it changes, the same way in both running modes (SPEC §3, §4, §10): read the
 * current config with its version, read one version or a page of versions, and propose a change, which answers a
 * {@link ChangeOutcome} (stored, a dry run's report, located problems, stale, or read-only), never a thrown answer.
 * {@link FileConfigSource} serves file mode (dry runs only), {@link DatabaseConfigSource} database mode.
 */
public interface ConfigSource {

    /** The current config: the document as written ({@code ${NAME}} unexpanded) and its version; empty before any. */
    Mono<StoredConfig> current();

    /** Version {@code n}; empty when there is no such version. */
    Mono<StoredConfig> version(long n);

    /** One page of versions older than {@code before}, newest first, with the version this instance serves. */
    Mono<VersionPage> versions(long before, int limit);

    /** Why changes cannot be committed here (for the 409 "read-only" answer); empty when they can. */
    Optional<String> readOnly();

    /**
     * Checks a change and, unless it is a dry run, stores and applies it as the next version. Emits the outcome;
     * empty when there is no current config to change yet. An {@code edit} that refuses the change fails the
     * returned Mono with its own error.
     */
    Mono<ChangeOutcome> propose(ProposedChange change);
}
