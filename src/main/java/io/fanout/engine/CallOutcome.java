package io.fanout.engine;

import io.fanout.plan.CallPlan;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.UpstreamResponse;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The result of one call (or of one for-each element): either data (the upstream's raw bytes, which passed the
 * transport's JSON verdict, or a tree) or a typed failure, with its duration and attempts.
 *
 * @param call          the call
 * @param index         for-each element index, or -1 for a plain call
 * @param failure       null on success
 * @param status        upstream status on success
 * @param source        where the answer came from, on success
 * @param raw           data as raw JSON bytes (one valid value, possibly spread over lines), or null
 * @param data          data as a tree (selected, or kept because referenced), or null
 * @param durationNanos time from start to outcome
 * @param attempts      attempts made (every attempt counts, the first included)
 * @param elements      for-each element outcomes in element order, or null
 */
public record CallOutcome(
        CallPlan call,
        int index,
        @Nullable CallFailure failure,
        int status,
        UpstreamResponse.@Nullable Source source,
        byte @Nullable [] raw,
        @Nullable JsonNode data,
        long durationNanos,
        int attempts,
        @Nullable List<CallOutcome> elements) {

    public boolean failed() {
        return failure != null;
    }

    /** True when this call adds entries to {@code errors}: it failed, or one of its for-each elements did. */
    public boolean hasErrors() {
        if (failure != null) {
            return true;
        }
        if (elements != null) {
            for (CallOutcome e : elements) {
                if (e.failed()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The number of failed for-each elements (0 for a plain call). */
    public int failedElements() {
        int n = 0;
        if (elements != null) {
            for (CallOutcome e : elements) {
                n += e.failed() ? 1 : 0;
            }
        }
        return n;
    }

    static CallOutcome failure(CallPlan call, int index, CallFailure failure, long durationNanos, int attempts) {
        return new CallOutcome(call, index, failure, 0, null, null, null, durationNanos, attempts, null);
    }

    public long durationMillis() {
        return durationNanos / 1_000_000;
    }
}
