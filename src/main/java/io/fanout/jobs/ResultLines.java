package io.fanout.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A job's result lines in item order, read in keyset pages. Without {@code follow}: every item finished so far.
 * With it: an item is emitted only once every earlier item has finished (a running item holds back later ones),
 * polling while nothing moves, until the job ends; then whatever is left is drained.
 */
final class ResultLines {

    private static final int PAGE = 1000;

    private final JobStore store;
    private final Duration poll;

    ResultLines(JobStore store, Duration poll) {
        this.store = store;
        this.poll = poll;
    }

    Flux<String> of(long jobId, boolean follow) {
        return Flux.defer(() -> {
            Follow state = new Follow(jobId, !follow);
            return state.step()
                    .repeatWhen(completions -> completions
                            .takeWhile(n -> !state.end)
                            .concatMap(
                                    n -> state.progressed
                                            ? Mono.just(n)
                                            : Mono.delay(poll).thenReturn(n),
                                    1))
                    .concatMapIterable(lines -> lines);
        });
    }

    /**
     * The state of one reader: the last item read ({@code cursor}), whether the last step moved it, whether items
     * are read regardless of their state ({@code draining}: not following, or the job has ended) and whether the
     * end was reached. Steps run one after another (repeat), so plain fields suffice.
     */
    private final class Follow {

        private final long jobId;
        private volatile int cursor;
        private volatile boolean draining;
        private volatile boolean progressed;
        private volatile boolean end;

        Follow(long jobId, boolean draining) {
            this.jobId = jobId;
            this.draining = draining;
        }

        Mono<List<String>> step() {
            return Mono.defer(
                    () -> store.items(jobId, cursor, PAGE).collectList().flatMap(this::read));
        }

        private Mono<List<String>> read(List<JobStore.ResultRow> rows) {
            List<String> lines = new ArrayList<>();
            int before = cursor;
            boolean blocked = false;
            for (JobStore.ResultRow row : rows) {
                boolean finished = row.state().equals("done") || row.state().equals("cancelled");
                if (!finished && !draining) {
                    blocked = true;
                    break;
                }
                cursor = row.item();
                if (row.state().equals("done") && row.result() != null) {
                    lines.add(row.result());
                }
            }
            progressed = cursor != before;
            if (!blocked) {
                end = rows.size() < PAGE; // every item is finished (or, when draining, was read)
                return Mono.just(lines);
            }
            // held back by an unfinished item: once the job has ended (or was deleted), none will finish in order
            return store.job(jobId).map(JobView::finished).defaultIfEmpty(true).map(ended -> {
                if (ended) {
                    draining = true;
                    progressed = true;
                }
                return lines;
            });
        }
    }
}
