package io.fanout.reload;

import io.fanout.compile.ConfigPipeline;
import io.fanout.compile.ValidatedConfig;
import io.fanout.store.StoredConfig;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The checks every change goes through, in both modes: the version condition, the edit, validation (every problem
 * located), then a dry run's report, or the source's own commit for a valid change.
 */
final class ChangeCheck {

    private ChangeCheck() {}

    /**
     * @param commit stores a valid change based on the current version (not called for dry runs or invalid ones)
     */
    static Mono<ChangeOutcome> check(
            ConfigPipeline pipeline,
            StoredConfig current,
            ProposedChange change,
            Function<ValidatedConfig, Mono<ChangeOutcome>> commit) {
        ProposedChange.ExpectedVersion ifMatch = change.ifMatch();
        if (ifMatch != null && !change.accepts(current.version())) {
            return Mono.just(new ChangeOutcome.Stale(ifMatch.given(), current.version()));
        }
        ValidatedConfig checked = pipeline.validate(change.edit().apply(current));
        if (!checked.valid()) {
            return Mono.just(new ChangeOutcome.Invalid(checked.problems()));
        }
        if (change.dryRun()) {
            return Mono.just(new ChangeOutcome.DryRun(current, checked.document()));
        }
        return commit.apply(checked);
    }
}
