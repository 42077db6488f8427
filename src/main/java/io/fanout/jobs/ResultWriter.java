package io.fanout.jobs;

import io.fanout.jobs.JobStore.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The job worker's group commit: outcomes are {@link #offer offered} as their items end, and each
 * {@link #writeOffered write} takes every outcome offered so far — so while one write runs, the next gathers all that
 * ended meanwhile. One multi-row statement per job (jobs in id order: two instances never wait on each other's job
 * rows in opposite order), one per retry. (No timed buffer: the fair-backpressure {@code bufferTimeout} used before
 * stalled the worker now and then in {@code JobsCrashIT}.)
 */
final class ResultWriter {

    private static final Logger log = LoggerFactory.getLogger(ResultWriter.class);

    private final JobStore store;
    private final Duration stuck;
    private final Queue<Outcome> offered = new ConcurrentLinkedQueue<>();
    private final Counter succeeded;
    private final Counter failed;
    private final Counter retried;
    private final Timer writeLatency;

    /** @param stuck how long a write may take before it is given up (its items run again after their lease) */
    ResultWriter(JobStore store, Duration stuck, MeterRegistry registry) {
        this.store = store;
        this.stuck = stuck;
        this.succeeded = items(registry, "succeeded");
        this.failed = items(registry, "failed");
        this.retried = items(registry, "retried");
        this.writeLatency = Timer.builder("fanout.jobs.write")
                .description("time to write a batch of results")
                .publishPercentileHistogram()
                .register(registry);
    }

    private static Counter items(MeterRegistry registry, String outcome) {
        return Counter.builder("fanout.jobs.items")
                .tag("outcome", outcome)
                .description("item runs by outcome (retried: a retryable failure that will run again)")
                .register(registry);
    }

    void offer(Outcome outcome) {
        offered.offer(outcome);
    }

    /**
     * Writes every outcome offered so far, then hands them to {@code written} (which frees their slots); never
     * fails. Nothing to do when an earlier write took them.
     */
    Mono<Void> writeOffered(Consumer<List<Outcome>> written) {
        List<Outcome> batch = new ArrayList<>();
        for (Outcome o = offered.poll(); o != null; o = offered.poll()) {
            batch.add(o);
        }
        if (batch.isEmpty()) {
            return Mono.empty();
        }
        log.debug("writing {} outcomes", batch.size());
        long start = System.nanoTime();
        Map<Long, List<Outcome>> finals = new TreeMap<>();
        List<Outcome> retries = new ArrayList<>();
        for (Outcome o : batch) {
            if (o.retry()) {
                retries.add(o);
            } else {
                finals.computeIfAbsent(o.claimed().jobId(), id -> new ArrayList<>())
                        .add(o);
            }
        }
        Mono<Void> writeFinals = Flux.fromIterable(finals.entrySet())
                .concatMap(e -> store.complete(e.getKey(), e.getValue()).doOnNext(counts -> {
                    // only what was written: a result refused as stale (lease taken over) is not counted
                    succeeded.increment(counts[0]);
                    failed.increment(counts[1]);
                }))
                .then();
        Mono<Void> writeRetries = Flux.fromIterable(retries)
                .concatMap(o -> store.retry(o).doOnNext(n -> retried.increment()))
                .then();
        return writeFinals
                .then(writeRetries)
                // a write that never answers must not hold its slots for good (the items run again after the lease)
                .timeout(stuck)
                .onErrorResume(e -> {
                    log.warn(
                            "job worker: writing results (the items run again when their lease expires) failed: {}",
                            e.toString());
                    return Mono.empty();
                })
                .doFinally(signal -> {
                    writeLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    written.accept(batch);
                });
    }
}
