package io.fanout.jobs;

import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Jobs and their items in PostgreSQL (submissions are staged by {@link JobStaging}): claims with {@code FOR UPDATE SKIP LOCKED}
 * under a lease, result writes that only the current claim can make, and the reads of the API.
 */
final class JobStore {

    /** A job's items as parsed from a submission: number (from 1) and input as a JSON object text. */
    record NewItem(int item, String input) {}

    /** The outcome of a submission: the job, and whether an earlier submission with the same key created it. */
    record Submitted(long id, boolean existing) {}

    /** An item claimed by this worker. */
    record Claimed(long jobId, String endpoint, int item, String input, int attempts, long claim) {}

    /** A run's outcome, to be written by the claim that made it. */
    record Outcome(
            Claimed claimed,
            int status,
            String result,
            @Nullable Duration retryAfter) {
        boolean retry() {
            return retryAfter != null;
        }
    }

    private static final String JOB_COLUMNS =
            "id, endpoint, state, concurrency, total, succeeded, failed," + " created_at, started_at, finished_at";
    private static final String ACTIVE = "state IN ('queued', 'running')";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final JobStaging staging;

    JobStore(ConnectionFactory connectionFactory) {
        this.db = DatabaseClient.create(connectionFactory);
        this.tx = TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory));
        this.staging = new JobStaging(db, this);
    }

    /** See {@link JobStaging#submit}. */
    Mono<Submitted> submit(
            String endpoint,
            int concurrency,
            @Nullable String idempotencyKey,
            Flux<NewItem> items,
            int batchSize,
            Duration lease) {
        return staging.submit(endpoint, concurrency, idempotencyKey, items, batchSize, lease);
    }

    /** See {@link JobStaging#sweep}. */
    Mono<Long> sweepStaging() {
        return staging.sweep();
    }

    /** The job submitted with this key; a 409 error while that submission is still being uploaded. */
    Mono<Long> findByIdempotencyKey(String key) {
        return db.sql("SELECT id, state FROM jobs WHERE idempotency_key = :key")
                .bind("key", key)
                .map(row -> Objects.equals(row.get("state", String.class), "staging")
                        ? -1L
                        : Objects.requireNonNull(row.get("id", Long.class)))
                .one()
                .flatMap(id -> id < 0
                        ? Mono.error(new UploadException(
                                409,
                                "a submission with this"
                                        + " Idempotency-Key is still being uploaded; retry when it has finished"))
                        : Mono.just(id));
    }

    Mono<JobView> job(long id) {
        return db.sql("SELECT " + JOB_COLUMNS + " FROM jobs WHERE id = :id AND state <> 'staging'")
                .bind("id", id)
                .map(JobStore::view)
                .one();
    }

    /** One page of jobs, newest first, older than {@code before}, optionally in one state. */
    Flux<JobView> jobs(@Nullable String state, long before, int limit) {
        String where = state == null ? "" : " AND state = :state";
        DatabaseClient.GenericExecuteSpec spec = db.sql(
                        "SELECT " + JOB_COLUMNS + " FROM jobs WHERE id < :before AND state <> 'staging'" + where
                                + " ORDER BY id DESC LIMIT :limit")
                .bind("before", before)
                .bind("limit", limit);
        if (state != null) {
            spec = spec.bind("state", state);
        }
        return spec.map(JobStore::view).all();
    }

    /**
     * Cancels a queued or running job: its pending items become cancelled and never run (items already running
     * finish and keep their result). Empty when no such job; the unchanged job when it had already finished.
     */
    Mono<JobView> cancel(long id) {
        Mono<JobView> work = db.sql("UPDATE jobs SET state = 'cancelled', finished_at = now() WHERE id = :id AND "
                        + ACTIVE + " RETURNING " + JOB_COLUMNS)
                .bind("id", id)
                .map(JobStore::view)
                .one()
                .flatMap(job -> db.sql(
                                "UPDATE job_items SET state = 'cancelled' WHERE job_id = :id AND state = 'pending'")
                        .bind("id", id)
                        .then()
                        .thenReturn(job));
        return work.as(tx::transactional).switchIfEmpty(Mono.defer(() -> job(id)));
    }

    /** A job that has items to run. */
    record ActiveJob(long id, String endpoint, int concurrency) {}

    /** Queued and running jobs, oldest first. */
    Flux<ActiveJob> activeJobs() {
        return db.sql("SELECT id, endpoint, concurrency FROM jobs WHERE " + ACTIVE + " ORDER BY id")
                .map(row -> new ActiveJob(
                        Objects.requireNonNull(row.get("id", Long.class)),
                        Objects.requireNonNull(row.get("endpoint", String.class)),
                        Objects.requireNonNull(row.get("concurrency", Integer.class))))
                .all();
    }

    /**
     * Claims pending items of several jobs in one round trip ({@code fanout_claim}, V2_2): per job, in item order,
     * up to its share and never more than its concurrency minus its items running anywhere. An advisory lock per
     * job makes claimers of the same job on other instances skip it for this round, so the running count they see
     * is exact. Rows are handed out only once the statement has completed (and committed).
     */
    Flux<Claimed> claim(Map<ActiveJob, Integer> shares, String owner, Duration lease) {
        if (shares.isEmpty()) {
            return Flux.empty();
        }
        Map<Long, ActiveJob> byId = new HashMap<>();
        Long[] ids = new Long[shares.size()];
        Integer[] wanted = new Integer[shares.size()];
        int i = 0;
        for (Map.Entry<ActiveJob, Integer> e : shares.entrySet()) {
            byId.put(e.getKey().id(), e.getKey());
            ids[i] = e.getKey().id();
            wanted[i++] = e.getValue();
        }
        return db.sql("SELECT job_id, item, input, attempts, claim FROM fanout_claim(CAST(:jobs AS bigint[]),"
                        + " CAST(:wanted AS int[]), :owner, :lease)")
                .bind("jobs", ids)
                .bind("wanted", wanted)
                .bind("owner", owner)
                .bind("lease", lease.toMillis())
                .map(row -> {
                    long jobId = Objects.requireNonNull(row.get("job_id", Long.class));
                    return new Claimed(
                            jobId,
                            byId.get(jobId).endpoint(),
                            Objects.requireNonNull(row.get("item", Integer.class)),
                            Objects.requireNonNull(row.get("input", String.class)),
                            Objects.requireNonNull(row.get("attempts", Integer.class)),
                            Objects.requireNonNull(row.get("claim", Long.class)));
                })
                .all()
                .collectList()
                .flatMapIterable(list -> list);
    }

    /**
     * Writes final results of one job's items and counts them on the job, completing it with its last item. A row
     * whose claim is no longer current (lease expired and taken over) is left alone: one result per item.
     *
     * @return how many results were written: {2xx, other}
     */
    Mono<long[]> complete(long jobId, List<Outcome> outcomes) {
        Integer[] items = new Integer[outcomes.size()];
        Long[] claims = new Long[outcomes.size()];
        Integer[] statuses = new Integer[outcomes.size()];
        String[] results = new String[outcomes.size()];
        for (int i = 0; i < items.length; i++) {
            Outcome o = outcomes.get(i);
            items[i] = o.claimed().item();
            claims[i] = o.claimed().claim();
            statuses[i] = o.status();
            results[i] = o.result();
        }
        return db.sql(
                        "WITH v AS (SELECT * FROM unnest(CAST(:items AS int[]), CAST(:claims AS bigint[]), CAST(:statuses AS int[]),"
                                + " CAST(:results AS text[])) AS v(item, claim, status, result)),"
                                + " d AS (UPDATE job_items i SET state = 'done', status = v.status, result = v.result,"
                                + " finished_at = now(), lease_owner = NULL, lease_until = NULL FROM v"
                                + " WHERE i.job_id = :job AND i.item = v.item AND i.claim = v.claim AND i.state = 'running'"
                                + " RETURNING i.status),"
                                + " c AS (SELECT count(*) FILTER (WHERE status BETWEEN 200 AND 299) AS ok,"
                                + " count(*) FILTER (WHERE status NOT BETWEEN 200 AND 299) AS bad FROM d)"
                                + " UPDATE jobs j SET succeeded = j.succeeded + c.ok, failed = j.failed + c.bad,"
                                + " state = CASE WHEN j." + ACTIVE
                                + " AND j.succeeded + c.ok + j.failed + c.bad >= j.total"
                                + " THEN 'completed' ELSE j.state END,"
                                + " finished_at = CASE WHEN j." + ACTIVE
                                + " AND j.succeeded + c.ok + j.failed + c.bad >= j.total"
                                + " THEN now() ELSE j.finished_at END"
                                + " FROM c WHERE j.id = :job RETURNING c.ok, c.bad")
                .bind("items", items)
                .bind("claims", claims)
                .bind("statuses", statuses)
                .bind("results", results)
                .bind("job", jobId)
                .map(row -> new long[] {
                    Objects.requireNonNull(row.get("ok", Long.class)),
                    Objects.requireNonNull(row.get("bad", Long.class))
                })
                .one()
                .defaultIfEmpty(new long[] {0, 0});
    }

    /** Puts an item back for another run after {@code retryAfter}, keeping this run's answer as its last one. */
    Mono<Long> retry(Outcome outcome) {
        Claimed c = outcome.claimed();
        return db.sql(
                        "UPDATE job_items i SET state = CASE WHEN j.state = 'cancelled' THEN 'cancelled' ELSE 'pending' END,"
                                + " attempts = i.attempts + 1, not_before = now() + :wait * interval '1 millisecond',"
                                + " status = :status, result = :result, lease_owner = NULL, lease_until = NULL"
                                + " FROM jobs j WHERE j.id = i.job_id AND i.job_id = :job AND i.item = :item"
                                + " AND i.claim = :claim AND i.state = 'running'")
                .bind("wait", Objects.requireNonNull(outcome.retryAfter()).toMillis())
                .bind("status", outcome.status())
                .bind("result", outcome.result())
                .bind("job", c.jobId())
                .bind("item", c.item())
                .bind("claim", c.claim())
                .fetch()
                .rowsUpdated();
    }

    /** Extends the lease of every item this worker holds. */
    Mono<Long> renew(String owner, Long[] claims, Duration lease) {
        if (claims.length == 0) {
            return Mono.just(0L);
        }
        // only the claims the worker knows it holds: a claim whose commit reached the database but whose answer
        // was lost (the database crashed in between) must expire and be reaped, not be renewed forever
        return db.sql("UPDATE job_items SET lease_until = now() + :lease * interval '1 millisecond'"
                        + " WHERE state = 'running' AND lease_owner = :owner AND claim = ANY(:claims)")
                .bind("lease", lease.toMillis())
                .bind("owner", owner)
                .bind("claims", claims)
                .fetch()
                .rowsUpdated();
    }

    /**
     * Gives items back: those of {@code owner} (null: those whose lease expired, whoever held them). They become
     * pending again (cancelled, if their job was cancelled meanwhile), without counting as an attempt.
     */
    Mono<Long> release(@Nullable String owner) {
        String which = owner == null ? "i.lease_until < now()" : "i.lease_owner = :owner";
        DatabaseClient.GenericExecuteSpec spec = db.sql("UPDATE job_items i SET state = CASE WHEN j.state ="
                + " 'cancelled' THEN 'cancelled' ELSE 'pending' END, lease_owner = NULL, lease_until = NULL"
                + " FROM jobs j WHERE j.id = i.job_id AND i.state = 'running' AND " + which);
        if (owner != null) {
            spec = spec.bind("owner", owner);
        }
        return spec.fetch().rowsUpdated();
    }

    /** Items of queued and running jobs without a final result. */
    Mono<Long> queueDepth() {
        return db.sql("SELECT coalesce(sum(total - succeeded - failed), 0) AS depth FROM jobs WHERE " + ACTIVE)
                .map(row ->
                        Objects.requireNonNull(row.get("depth", Number.class)).longValue())
                .one();
    }

    /** Deletes jobs (and their items) that finished more than {@code retention} ago. */
    Mono<Long> deleteFinished(Duration retention) {
        return db.sql("DELETE FROM jobs WHERE finished_at < now() - :retention * interval '1 millisecond'"
                        + " AND state IN ('completed', 'cancelled')")
                .bind("retention", retention.toMillis())
                .fetch()
                .rowsUpdated();
    }

    /** A row of a job's results read in item order: state and, when done, the result line. */
    record ResultRow(int item, String state, @Nullable String result) {}

    /** Up to {@code limit} items after {@code after}, in item order, finished or not. */
    Flux<ResultRow> items(long jobId, int after, int limit) {
        return db.sql("SELECT item, state, result FROM job_items WHERE job_id = :job AND item > :after"
                        + " ORDER BY item LIMIT :limit")
                .bind("job", jobId)
                .bind("after", after)
                .bind("limit", limit)
                .map(row -> new ResultRow(
                        Objects.requireNonNull(row.get("item", Integer.class)),
                        Objects.requireNonNull(row.get("state", String.class)),
                        row.get("result", String.class)))
                .all();
    }

    private static JobView view(Readable row) {
        return new JobView(
                Objects.requireNonNull(row.get("id", Long.class)),
                Objects.requireNonNull(row.get("endpoint", String.class)),
                Objects.requireNonNull(row.get("state", String.class)),
                Objects.requireNonNull(row.get("concurrency", Integer.class)),
                Objects.requireNonNull(row.get("total", Integer.class)),
                Objects.requireNonNull(row.get("succeeded", Integer.class)),
                Objects.requireNonNull(row.get("failed", Integer.class)),
                instant(Objects.requireNonNull(row.get("created_at", OffsetDateTime.class))),
                nullableInstant(row.get("started_at", OffsetDateTime.class)),
                nullableInstant(row.get("finished_at", OffsetDateTime.class)));
    }

    private static Instant instant(OffsetDateTime t) {
        return t.toInstant();
    }

    private static @Nullable Instant nullableInstant(@Nullable OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
