package io.fanout.jobs;

import io.fanout.engine.ActiveConfig;
import io.fanout.engine.Engine;
import io.fanout.jobs.JobStore.ActiveJob;
import io.fanout.jobs.JobStore.Claimed;
import io.fanout.jobs.JobStore.Outcome;
import io.fanout.json.JsonCodec;
import io.fanout.plan.CompiledConfig;
import io.fanout.plan.EndpointPlan;
import io.fanout.render.JobResultLine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;

/**
 * Runs the items of every queued and running job on this instance. Each round reads the active jobs, shares
 * this instance's free worker slots between them (max-min fair: the job with the fewest items running here gets
 * the next slot, never more than its concurrency), claims that many items per job from PostgreSQL and runs each
 * through the {@link Engine} as batch traffic. Results are written in small batches by the claim that made them.
 *
 * <p>A round starts when a job is submitted anywhere (NOTIFY), when a slot frees up here, and every poll
 * interval (fallback; it also gives back items whose lease expired on a crashed instance). Leases are renewed
 * every third of their length. {@link #stop(Runnable)} stops claiming, lets running items finish for the grace
 * period, then cancels the rest and gives their leases back so another instance continues at once.
 *
 * <p>Rounds, runs, lease renewal and shutdown share the slot accounting ({@code inFlight}, {@code inFlightByJob},
 * {@code held}) and live here; writing results is {@link ResultWriter}'s, storage {@link JobStore}'s.
 */
final class JobWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobWorker.class);

    private final JobStore store;
    private final ActiveConfig active;
    private final Engine engine;
    private final JobsProperties properties;
    private final Flux<?> notifications;
    private final String owner;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Claim numbers of the items this worker runs or writes now: the only leases it renews. */
    private final java.util.Set<Long> held = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Map<Long, AtomicInteger> inFlightByJob = new ConcurrentHashMap<>();
    private final AtomicLong queueDepth = new AtomicLong();
    private final Sinks.Many<Boolean> slotsFreed = Sinks.many().multicast().directBestEffort();
    private final Sinks.One<Boolean> stopping = Sinks.one();
    private final Sinks.Empty<Void> drained = Sinks.empty();
    private final ResultWriter results;
    private final Timer claimLatency;
    /**
     * How long a database call of the worker may take before it counts as stuck and is given up (its items run
     * again after their lease): without it, one statement that never answers would stop the poll, or hold its
     * slots for good so that this worker never claims again.
     */
    private final Duration stuck;

    private volatile boolean running;
    /** The active jobs as the last round read them; null: read them again. */
    private volatile @Nullable List<ActiveJob> knownJobs;

    private @Nullable Disposable pipeline;
    private final Disposable.Composite background = Disposables.composite();

    /**
     * @param notifications emits whenever a job was submitted somewhere (LISTEN/NOTIFY); may be empty
     * @param owner         this worker's name on its leases; unique per process
     */
    JobWorker(
            JobStore store,
            ActiveConfig active,
            Engine engine,
            JobsProperties properties,
            Flux<?> notifications,
            String owner,
            MeterRegistry registry) {
        this.store = store;
        this.active = active;
        this.engine = engine;
        this.properties = properties;
        this.notifications = notifications;
        this.owner = owner;
        Duration threeLeases = properties.lease().multipliedBy(3);
        this.stuck = threeLeases.compareTo(Duration.ofSeconds(30)) > 0 ? threeLeases : Duration.ofSeconds(30);
        this.results = new ResultWriter(store, stuck, registry);
        this.claimLatency = Timer.builder("fanout.jobs.claim")
                .description("time to claim a batch of items")
                .publishPercentileHistogram()
                .register(registry);
        Gauge.builder("fanout.jobs.queue.depth", queueDepth, AtomicLong::get)
                .description("items of queued and running jobs without a final result")
                .register(registry);
        Gauge.builder("fanout.jobs.in.flight", inFlight, AtomicInteger::get)
                .description("items running on this instance")
                .register(registry);
    }

    String owner() {
        return owner;
    }

    @Override
    public synchronized void start() {
        if (running || pipeline != null) {
            return;
        }
        running = true;
        Flux<Object> triggers = Flux.<Object>merge(
                        Flux.interval(Duration.ZERO, properties.pollInterval())
                                .onBackpressureDrop()
                                .concatMap(tick -> housekeeping().thenReturn(tick), 1),
                        notifications,
                        slotsFreed.asFlux())
                .takeUntilOther(stopping.asMono())
                .onBackpressureLatest();
        pipeline = triggers.concatMap(this::round, 1)
                // unbounded here: rounds never claim more than the free slots, and a bounded flatMap would ask
                // for more items only after a quarter of its slots is free, leaving claimed items waiting
                .flatMap(this::run, Integer.MAX_VALUE)
                // group commit (ResultWriter): each outcome's signal follows its offer, so a write started by a
                // signal finds that outcome (or an earlier write took it); signals that arrive during a write are
                // conflated into one. At most `workers` outcomes wait: a slot is freed only once its outcome is written
                .doOnNext(results::offer)
                .onBackpressureLatest()
                .concatMap(signal -> results.writeOffered(this::freeSlots), 1)
                .subscribe(
                        null,
                        error -> {
                            log.error("job worker stopped unexpectedly", error);
                            drained.tryEmitEmpty();
                        },
                        drained::tryEmitEmpty);
        background.add(Flux.interval(properties.lease().dividedBy(3))
                .onBackpressureDrop()
                .concatMap(
                        tick -> store.renew(owner, held.toArray(Long[]::new), properties.lease())
                                .timeout(stuck)
                                .onErrorResume(e -> warn("renewing leases", e)),
                        1)
                .subscribe());
        Duration retentionCheck = properties.retention().compareTo(Duration.ofMinutes(1)) < 0
                ? properties.retention()
                : Duration.ofMinutes(1);
        background.add(Flux.interval(retentionCheck)
                .onBackpressureDrop()
                .concatMap(
                        tick -> store.deleteFinished(properties.retention())
                                .doOnNext(n -> {
                                    if (n > 0) {
                                        log.info("deleted {} finished jobs older than {}", n, properties.retention());
                                    }
                                })
                                .onErrorResume(e -> warn("deleting finished jobs", e)),
                        1)
                .subscribe());
        log.info("job worker {} started: {} slots", owner, properties.workers());
    }

    /**
     * Gives back expired leases of any instance, deletes staging jobs whose upload stopped renewing them (a crashed
     * instance) and refreshes the queue depth gauge.
     */
    private Mono<Void> housekeeping() {
        return store.release(null)
                .doOnNext(n -> {
                    if (n > 0) {
                        log.info("took back {} items whose lease expired", n);
                    }
                })
                .then(store.sweepStaging())
                .doOnNext(n -> {
                    if (n > 0) {
                        log.info("deleted {} staged uploads whose instance stopped renewing them", n);
                    }
                })
                .then(store.queueDepth().doOnNext(queueDepth::set))
                // a statement that never answers must not stop the poll (and with it every later round)
                .timeout(stuck)
                .onErrorResume(e -> warn("housekeeping", e))
                .then();
    }

    private <T> Mono<T> warn(String what, Throwable e) {
        log.warn("job worker: {} failed: {}", what, e.toString());
        return Mono.empty();
    }

    /**
     * One round: share the free slots between active jobs and claim that many items. A round started by freed
     * slots reuses the jobs read by the previous round (one round trip per round instead of two) unless that round
     * came back short of what it asked for (a job ended, or its items wait for a retry); a poll or a notification
     * always reads them again.
     */
    private Flux<Claimed> round(Object trigger) {
        if (!running) {
            return Flux.empty();
        }
        int free = properties.workers() - inFlight.get();
        if (free <= 0) {
            if (!(trigger instanceof Boolean)) {
                // a poll or a notification says the jobs may have changed (a new job was submitted): the next
                // round of freed slots must read them again, or a long job keeps every slot and starves it
                knownJobs = null;
            }
            return Flux.empty();
        }
        List<ActiveJob> known = knownJobs;
        Mono<List<ActiveJob>> jobs = trigger instanceof Boolean && known != null
                ? Mono.just(known)
                : store.activeJobs()
                        .collectList()
                        // a round that never ends stops every later one: the read is bounded like the claim
                        .timeout(stuck)
                        .doOnNext(list -> knownJobs = list);
        return jobs.flatMapMany(list -> {
                    Map<ActiveJob, Integer> shares = share(list, free);
                    int asked =
                            shares.values().stream().mapToInt(Integer::intValue).sum();
                    AtomicInteger got = new AtomicInteger();
                    return claim(shares).doOnNext(c -> got.incrementAndGet()).doOnComplete(() -> {
                        if (got.get() < asked) {
                            knownJobs = null;
                        }
                    });
                })
                .onErrorResume(e -> {
                    knownJobs = null;
                    return warn("claiming items", e);
                });
    }

    /** Max-min fair split of {@code free} slots: each next slot to the job with the fewest items running here. */
    private Map<ActiveJob, Integer> share(List<ActiveJob> jobs, int free) {
        Map<ActiveJob, Integer> shares = new LinkedHashMap<>();
        int[] load = new int[jobs.size()];
        for (int i = 0; i < jobs.size(); i++) {
            AtomicInteger n = inFlightByJob.get(jobs.get(i).id());
            load[i] = n == null ? 0 : n.get();
        }
        for (int slot = 0; slot < free; slot++) {
            int best = -1;
            for (int i = 0; i < jobs.size(); i++) {
                if (load[i] < jobs.get(i).concurrency() && (best < 0 || load[i] < load[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            load[best]++;
            shares.merge(jobs.get(best), 1, Integer::sum);
        }
        return shares;
    }

    /** Claims every job's share in one round trip. */
    private Flux<Claimed> claim(Map<ActiveJob, Integer> shares) {
        if (shares.isEmpty()) {
            return Flux.empty();
        }
        long start = System.nanoTime();
        return store.claim(shares, owner, properties.lease())
                .timeout(stuck)
                .doOnNext(c -> {
                    log.debug("claimed job {} item {} (claim {})", c.jobId(), c.item(), c.claim());
                    held.add(c.claim());
                    inFlight.incrementAndGet();
                    inFlightByJob
                            .computeIfAbsent(c.jobId(), id -> new AtomicInteger())
                            .incrementAndGet();
                })
                .doOnComplete(() -> claimLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    }

    /** Runs one item through the engine; never fails (an unexpected error becomes a retryable 500). */
    private Mono<Outcome> run(Claimed c) {
        return Mono.defer(() -> {
                    CompiledConfig config = active.current();
                    EndpointPlan plan = ItemSchema.plan(config, c.endpoint());
                    Map<String, String> fields = fields(c.input());
                    if (plan == null) {
                        return Mono.just(outcome(
                                c,
                                404,
                                JobResultLine.failed(
                                        c.item(), c.input(), 404, "endpoint '" + c.endpoint() + "' no longer exists"),
                                null));
                    }
                    return engine.answer(engine.start(
                                    plan, ItemSchema.input(plan, fields, "job-" + c.jobId() + "-" + c.item()), true))
                            .map(result -> outcome(
                                    c,
                                    result.status(),
                                    JobResultLine.of(c.item(), c.input(), result),
                                    result.retryAfter()));
                })
                // every claimed item must end in exactly one outcome, or its slot is never freed: with all slots
                // held that way, this worker would never claim again and new jobs would stay queued
                .switchIfEmpty(Mono.fromSupplier(() -> outcome(
                        c,
                        500,
                        JobResultLine.failed(c.item(), c.input(), 500, "internal error: the item produced no answer"),
                        null)))
                .doOnNext(o -> log.debug("ran job {} item {}: {}", c.jobId(), c.item(), o.status()))
                .onErrorResume(e -> {
                    log.warn("job {} item {} failed unexpectedly: {}", c.jobId(), c.item(), e.toString());
                    return Mono.just(outcome(
                            c,
                            500,
                            JobResultLine.failed(c.item(), c.input(), 500, "internal error running the item"),
                            null));
                });
    }

    private Outcome outcome(Claimed c, int status, String line, @Nullable Duration retryAfter) {
        boolean retry = status >= 500 && c.attempts() + 1 < properties.maxAttempts();
        if (!retry) {
            return new Outcome(c, status, line, null);
        }
        Duration wait = properties.backoff(c.attempts() + 1);
        if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
            wait = retryAfter.compareTo(properties.retryMaxBackoff()) > 0 ? properties.retryMaxBackoff() : retryAfter;
        }
        return new Outcome(c, status, line, wait);
    }

    private static Map<String, String> fields(String input) {
        JsonNode node = JsonCodec.MAPPER.readTree(input);
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            fields.put(e.getKey(), e.getValue().asString());
        }
        return fields;
    }

    /** The slots of written outcomes are free again: the next round may claim that many items. */
    private void freeSlots(List<Outcome> batch) {
        for (Outcome o : batch) {
            held.remove(o.claimed().claim());
            AtomicInteger n = inFlightByJob.get(o.claimed().jobId());
            if (n != null && n.decrementAndGet() <= 0) {
                inFlightByJob.remove(o.claimed().jobId(), n);
            }
        }
        inFlight.addAndGet(-batch.size());
        slotsFreed.tryEmitNext(Boolean.TRUE); // dropped when a round is running: it sees the slots
    }

    @Override
    public void stop() {
        stop(() -> {});
    }

    /**
     * Stops claiming, waits up to the grace period for running items, then cancels what still runs and gives
     * every lease of this worker back. Calls {@code callback} when done (Spring waits for it).
     */
    @Override
    public synchronized void stop(Runnable callback) {
        if (!running) {
            callback.run();
            return;
        }
        running = false;
        stopping.tryEmitValue(Boolean.TRUE);
        background.dispose();
        Disposable current = pipeline;
        drained.asMono()
                .timeout(properties.shutdownGrace(), Mono.empty())
                .then(Mono.fromRunnable(() -> {
                    if (current != null) {
                        current.dispose();
                    }
                }))
                .then(store.release(owner))
                .timeout(properties.shutdownGrace().plusSeconds(5))
                .doOnNext(n -> log.info("job worker {} stopped, gave back {} leases", owner, n))
                .onErrorResume(e -> warn("giving leases back on shutdown", e))
                .doFinally(signal -> callback.run())
                .subscribe();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
