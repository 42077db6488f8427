package io.fanout.engine;

import io.fanout.plan.EndpointPlan;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The time of a request's critical path of upstream calls: the longest chain of calls, each starting when the calls
 * it depends on are done, by the durations the engine measured for them (a for-each call's duration covers all its
 * elements). The rest of the request's time is what the gateway itself cost ({@code fanout_request_overhead_seconds}).
 */
final class CriticalPath {

    private CriticalPath() {}

    /** @param outcomes the request's outcomes by call index (a missing one counts as no time) */
    static long nanos(EndpointPlan plan, @Nullable CallOutcome[] outcomes) {
        long[] finish = new long[outcomes.length];
        Arrays.fill(finish, -1);
        long longest = 0;
        for (int i = 0; i < outcomes.length; i++) {
            longest = Math.max(longest, finishOf(plan, outcomes, i, finish));
        }
        return longest;
    }

    private static long finishOf(EndpointPlan plan, @Nullable CallOutcome[] outcomes, int call, long[] finish) {
        if (finish[call] >= 0) {
            return finish[call];
        }
        long start = 0;
        for (int d : plan.calls().get(call).dependencies()) {
            start = Math.max(start, finishOf(plan, outcomes, d, finish));
        }
        CallOutcome o = outcomes[call];
        finish[call] = start + (o == null ? 0 : o.durationNanos());
        return finish[call];
    }
}
