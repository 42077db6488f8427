package io.fanout.reload;

import io.fanout.definition.ConfigProblem;
import io.fanout.store.StoredConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What became of a {@link ProposedChange}: one value per answer the admin API gives. */
public sealed interface ChangeOutcome {

    /** Stored as a new version and active on this instance. */
    record Committed(StoredConfig stored) implements ChangeOutcome {}

    /**
     * A valid dry run: nothing stored or applied.
     *
     * @param current  the version the change was checked against
     * @param proposed the document the change would store
     */
    record DryRun(StoredConfig current, Map<String, Object> proposed) implements ChangeOutcome {

        /** {@code dryRun}, {@code valid}, {@code currentVersion} and the names added, changed and removed. */
        public Map<String, Object> report() {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("dryRun", true);
            report.put("valid", true);
            report.put("currentVersion", current.version());
            report.put("changes", ConfigDiff.sections(current.document(), proposed));
            return report;
        }
    }

    /** Not valid: every problem, located; nothing stored or applied. */
    record Invalid(List<ConfigProblem> problems) implements ChangeOutcome {

        public Invalid {
            problems = List.copyOf(problems);
        }
    }

    /**
     * Based on an older version than the current one; nothing stored.
     *
     * @param given          the condition the change was made under, as written
     * @param currentVersion the version that is current now
     */
    record Stale(String given, long currentVersion) implements ChangeOutcome {}

    /** This source cannot store changes (file mode); {@code detail} says why and what to do. */
    record ReadOnly(String detail) implements ChangeOutcome {}
}
