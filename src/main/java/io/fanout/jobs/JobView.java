package io.fanout.jobs;

import io.fanout.json.JsonBytes;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A job as {@code GET /jobs/{id}} shows it.
 *
 * @param pending items without a final result yet (for a cancelled job: items that will never run)
 */
record JobView(
        long id,
        String endpoint,
        String state,
        int concurrency,
        int total,
        int succeeded,
        int failed,
        Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt) {

    static final String QUEUED = "queued";
    static final String RUNNING = "running";
    static final String COMPLETED = "completed";
    static final String CANCELLED = "cancelled";

    JobView withState(String newState) {
        return new JobView(
                id, endpoint, newState, concurrency, total, succeeded, failed, createdAt, startedAt, finishedAt);
    }

    int pending() {
        return Math.max(0, total - succeeded - failed);
    }

    boolean finished() {
        return state.equals(COMPLETED) || state.equals(CANCELLED);
    }

    String location() {
        return "/jobs/" + id;
    }

    byte[] json() {
        JsonBytes out = new JsonBytes(320);
        write(out);
        return out.toByteArray();
    }

    void write(JsonBytes out) {
        out.ascii("{\"id\":")
                .number(id)
                .ascii(",\"endpoint\":")
                .string(endpoint)
                .ascii(",\"state\":")
                .string(state)
                .ascii(",\"concurrency\":")
                .number(concurrency)
                .ascii(",\"total\":")
                .number(total)
                .ascii(",\"succeeded\":")
                .number(succeeded)
                .ascii(",\"failed\":")
                .number(failed)
                .ascii(",\"pending\":")
                .number(pending())
                .ascii(",\"createdAt\":")
                .string(createdAt.toString());
        time(out, "startedAt", startedAt);
        time(out, "finishedAt", finishedAt);
        out.ascii(",\"results\":")
                .string(location() + "/results")
                .ascii(",\"events\":")
                .string(location() + "/events")
                .raw('}');
    }

    private static void time(JsonBytes out, String name, @Nullable Instant at) {
        out.ascii(",\"").ascii(name).ascii("\":");
        if (at == null) {
            out.ascii("null");
        } else {
            out.string(at.toString());
        }
    }
}
