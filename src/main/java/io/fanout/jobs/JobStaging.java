package io.fanout.jobs;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Submissions staged in short autocommit batches, so that an upload never holds a pooled connection (or a
 * transaction) while it waits for its client: a {@code staging} job is invisible to workers and to the API until
 * one statement makes it {@code queued}; a rejected or abandoned upload deletes it, a crashed instance's is swept.
 */
final class JobStaging {

    private static final Logger log = LoggerFactory.getLogger(JobStaging.class);

    private final DatabaseClient db;
    private final JobStore jobs;

    JobStaging(DatabaseClient db, JobStore jobs) {
        this.db = db;
        this.jobs = jobs;
    }

    /**
     * Creates a job from a submission without holding a connection while the client sends: the job is inserted as
     * {@code staging} (invisible to workers and to the API), its items are inserted in autocommit batches of
     * {@code batchSize} as they are parsed, and one last statement makes it {@code queued} with its total. A
     * rejected (an error from {@code items}) or abandoned (cancelled) submission deletes what it staged; the upload
     * renews its staging lease every third of {@code lease} so that only a crashed instance's staging jobs are swept.
     * With an idempotency key already used, stores nothing and answers the earlier job (409 while it is still being
     * uploaded).
     */
    Mono<JobStore.Submitted> submit(
            String endpoint,
            int concurrency,
            @Nullable String idempotencyKey,
            Flux<JobStore.NewItem> items,
            int batchSize,
            Duration lease) {
        DatabaseClient.GenericExecuteSpec insert = db.sql("INSERT INTO jobs (endpoint, concurrency, idempotency_key,"
                        + " state, staging_until) VALUES (:endpoint, :concurrency, :key, 'staging',"
                        + " now() + :lease * interval '1 millisecond')"
                        + " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id")
                .bind("endpoint", endpoint)
                .bind("concurrency", concurrency)
                .bind("lease", lease.toMillis());
        insert = idempotencyKey == null ? insert.bindNull("key", String.class) : insert.bind("key", idempotencyKey);
        return insert.map(row -> Objects.requireNonNull(row.get("id", Long.class)))
                .one()
                .flatMap(id -> stage(id, items, batchSize, lease).thenReturn(new JobStore.Submitted(id, false)))
                .switchIfEmpty(Mono.defer(() -> idempotencyKey == null
                        ? Mono.empty()
                        : jobs.findByIdempotencyKey(idempotencyKey).map(id -> new JobStore.Submitted(id, true))));
    }

    private Mono<Void> stage(long jobId, Flux<JobStore.NewItem> items, int batchSize, Duration lease) {
        AtomicInteger total = new AtomicInteger();
        // An error from the upload (a malformed line) waits for the INSERT in flight instead of cancelling it: a
        // statement cancelled half-way can leave its pooled connection unusable.
        Mono<Void> insert = items.buffer(batchSize)
                .concatMapDelayError(
                        batch -> {
                            total.addAndGet(batch.size());
                            return insertItems(jobId, batch);
                        },
                        false,
                        1)
                .then(Mono.defer(() -> total.get() == 0
                        ? Mono.error(new UploadException("the submission has no items"))
                        : queue(jobId, total.get())));
        Sinks.One<Boolean> done = Sinks.one();
        Mono<Void> heartbeat = Flux.interval(lease.dividedBy(3))
                .onBackpressureDrop()
                .concatMap(tick -> touch(jobId, lease).onErrorResume(e -> Mono.empty()), 1)
                .takeUntilOther(done.asMono())
                .then();
        return Mono.usingWhen(
                Mono.just(jobId),
                id -> Mono.when(insert.doFinally(signal -> done.tryEmitValue(Boolean.TRUE)), heartbeat),
                id -> Mono.empty(),
                (id, error) -> discard(id),
                id -> discard(id));
    }

    private Mono<Void> insertItems(long jobId, List<JobStore.NewItem> batch) {
        Integer[] numbers = new Integer[batch.size()];
        String[] inputs = new String[batch.size()];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = batch.get(i).item();
            inputs[i] = batch.get(i).input();
        }
        return db.sql("INSERT INTO job_items (job_id, item, input)"
                        + " SELECT :job, n, i FROM unnest(CAST(:numbers AS int[]), CAST(:inputs AS text[])) AS t(n, i)")
                .bind("job", jobId)
                .bind("numbers", numbers)
                .bind("inputs", inputs)
                .then();
    }

    /** The end of a staged submission: one statement makes the job visible to workers (and NOTIFYs them). */
    private Mono<Void> queue(long jobId, int total) {
        return db.sql("UPDATE jobs SET state = 'queued', total = :total, staging_until = NULL"
                        + " WHERE id = :id AND state = 'staging'")
                .bind("total", total)
                .bind("id", jobId)
                .fetch()
                .rowsUpdated()
                .flatMap(
                        n -> n == 1
                                ? Mono.<Void>empty()
                                : Mono.error(
                                        new UploadException(
                                                408,
                                                "the upload was discarded before it ended (its staging lease expired); nothing was stored")));
    }

    private Mono<Void> touch(long jobId, Duration lease) {
        return db.sql("UPDATE jobs SET staging_until = now() + :lease * interval '1 millisecond'"
                        + " WHERE id = :id AND state = 'staging'")
                .bind("lease", lease.toMillis())
                .bind("id", jobId)
                .then();
    }

    /** Deletes a staging job and its items; a job that was queued meanwhile is left alone. */
    private Mono<Void> discard(long jobId) {
        return db.sql("DELETE FROM jobs WHERE id = :id AND state = 'staging'")
                .bind("id", jobId)
                .then()
                .onErrorResume(e -> {
                    log.warn(
                            "could not delete the staged job {} (the sweeper deletes it when its staging lease"
                                    + " expires): {}",
                            jobId,
                            e.toString());
                    return Mono.empty();
                });
    }

    /** Deletes staging jobs whose upload stopped renewing them (their instance crashed); answers how many. */
    Mono<Long> sweep() {
        return db.sql("DELETE FROM jobs WHERE state = 'staging' AND staging_until < now()")
                .fetch()
                .rowsUpdated();
    }
}
