package io.fanout.reload;

import io.fanout.store.StoredConfig;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongPredicate;
import org.jspecify.annotations.Nullable;

/**
 * A change to propose to a {@link ConfigSource}.
 *
 * @param edit    the next document from the current one (may be applied again to a newer version when the change
 *                is unconditional and another change lands first); may fail with the caller's own error
 * @param ifMatch the versions the change may be based on (HTTP {@code If-Match}); null for any
 * @param dryRun  check and report only; nothing is stored or applied
 * @param author  who makes it (recorded with the version)
 * @param reason  why (recorded with the version)
 */
public record ProposedChange(
        Function<StoredConfig, @Nullable Object> edit,
        @Nullable ExpectedVersion ifMatch,
        boolean dryRun,
        String author,
        String reason) {

    public ProposedChange {
        Objects.requireNonNull(edit, "edit");
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * The versions a conditional change accepts as its base.
     *
     * @param given   the condition as the client wrote it (for messages)
     * @param accepts which current versions satisfy it
     */
    public record ExpectedVersion(String given, LongPredicate accepts) {}

    /** Whether {@code version} satisfies {@link #ifMatch()} (always, without one). */
    boolean accepts(long version) {
        return ifMatch == null || ifMatch.accepts().test(version);
    }
}
