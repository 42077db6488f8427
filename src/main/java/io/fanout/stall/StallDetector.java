package io.fanout.stall;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures how late tasks run on threads that must never block. Every {@code interval} a watchdog (a plain daemon
 * thread, not one of the watched ones) hands each watched executor a probe that records when and on which thread it
 * ran, then records the delay in {@code fanout.eventloop.lag}. A probe still waiting after {@code threshold} is a
 * stall: {@code fanout.eventloop.stalls} counts it and a rate-limited WARN carries the stalled thread's stack as it
 * is at that moment, which names the code holding the loop. {@code fanout.eventloop.pending} shows how long the
 * current probe of each loop has waited (0 when it ran), so a loop that never comes back is visible too.
 */
public final class StallDetector implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StallDetector.class);

    /** Something that runs tasks on one thread: a Netty event loop, a Reactor parallel worker. */
    public interface Target {
        /** {@code netty} or {@code parallel}: the {@code scheduler} tag. */
        String scheduler();

        /** A name used until the thread is known (its first probe ran). */
        String fallbackName();

        /** Queues the probe behind whatever the executor already has; may throw when it was shut down. */
        void execute(Runnable probe);
    }

    private final List<Probe> probes;
    private final MeterRegistry registry;
    private final long intervalNanos;
    private final long thresholdNanos;
    private final long logIntervalNanos;
    private final Duration threshold;
    private @Nullable ScheduledThreadPoolExecutor watchdog;

    public StallDetector(
            List<Target> targets, MeterRegistry registry, Duration interval, Duration threshold, Duration logInterval) {
        this.probes = targets.stream().map(Probe::new).toList();
        this.registry = registry;
        this.intervalNanos = interval.toNanos();
        this.thresholdNanos = threshold.toNanos();
        this.logIntervalNanos = logInterval.toNanos();
        this.threshold = threshold;
    }

    /** Starts the watchdog thread. */
    public synchronized void start() {
        if (watchdog != null) {
            return;
        }
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fanout-stall-watchdog");
            t.setDaemon(true);
            return t;
        });
        w.scheduleWithFixedDelay(this::tickSafely, 0, intervalNanos, TimeUnit.NANOSECONDS);
        watchdog = w;
        log.info(
                "stall detection on {} threads: probe every {}ms, warn beyond {}ms",
                probes.size(),
                intervalNanos / 1_000_000,
                threshold.toMillis());
    }

    @Override
    public synchronized void close() {
        if (watchdog != null) {
            watchdog.shutdownNow();
            watchdog = null;
        }
    }

    public int targets() {
        return probes.size();
    }

    private void tickSafely() {
        try {
            tick(System.nanoTime());
        } catch (RuntimeException e) {
            log.warn("stall watchdog tick failed", e); // never let the scheduled task die
        }
    }

    /** One round: record probes that ran, report those that are late, send new ones. Package-private for tests. */
    void tick(long now) {
        for (Probe p : probes) {
            p.check(now);
        }
    }

    /** The state of one watched executor; written by its probe (two fields) and read by the watchdog only. */
    private final class Probe implements Runnable {
        private final Target target;
        private volatile long submittedAt;
        private volatile long ranAt;
        private volatile boolean pending;
        private volatile @Nullable Thread thread;
        private final AtomicLong pendingMillis = new AtomicLong();
        private boolean stallReported;
        private boolean dead;
        private long lastLogAt = Long.MIN_VALUE;
        private int suppressed;
        private @Nullable Timer lag;
        private @Nullable Counter stalls;
        private @Nullable String meterName;

        Probe(Target target) {
            this.target = target;
        }

        /** Runs on the watched thread: as cheap as it gets. */
        @Override
        public void run() {
            thread = Thread.currentThread();
            ranAt = System.nanoTime();
            pending = false;
        }

        void check(long now) {
            if (dead) {
                return;
            }
            if (submittedAt != 0 && !pending) {
                long lagNanos = ranAt - submittedAt;
                meters().lag.record(lagNanos, TimeUnit.NANOSECONDS);
                if (lagNanos >= thresholdNanos && !stallReported) {
                    // it stalled and recovered between two looks: counted, but its stack is gone
                    meters().stalls.increment();
                    warn(now, lagNanos, null);
                }
                submittedAt = 0;
            }
            if (submittedAt != 0) {
                long waited = now - submittedAt;
                pendingMillis.set(TimeUnit.NANOSECONDS.toMillis(waited));
                if (waited >= thresholdNanos && !stallReported) {
                    stallReported = true;
                    meters().stalls.increment();
                    Thread t = thread;
                    warn(now, waited, t == null ? null : t.getStackTrace());
                }
                return;
            }
            pendingMillis.set(0);
            stallReported = false;
            pending = true;
            submittedAt = System.nanoTime();
            try {
                target.execute(this);
            } catch (RejectedExecutionException e) {
                dead = true; // shut down: nothing left to watch
                pending = false;
            }
        }

        private void warn(long now, long lagNanos, StackTraceElement @Nullable [] stack) {
            if (lastLogAt != Long.MIN_VALUE && now - lastLogAt < logIntervalNanos) {
                suppressed++;
                return;
            }
            lastLogAt = now;
            String more = suppressed == 0 ? "" : " (" + suppressed + " more stalls of it since the last warning)";
            suppressed = 0;
            long ms = TimeUnit.NANOSECONDS.toMillis(lagNanos);
            if (stack == null) {
                log.warn(
                        "{} thread {} ran no task for {}ms (fanout.stall.threshold {}ms); it had recovered when the"
                                + " watchdog looked, so no stack{}",
                        target.scheduler(),
                        name(),
                        ms,
                        threshold.toMillis(),
                        more);
            } else {
                log.warn(
                        "{} thread {} has run no task for {}ms (fanout.stall.threshold {}ms); what it is doing:{}",
                        target.scheduler(),
                        name(),
                        ms,
                        threshold.toMillis(),
                        more,
                        new StalledThread(name(), stack));
            }
        }

        private String name() {
            Thread t = thread;
            return t == null ? target.fallbackName() : t.getName();
        }

        private Probe meters() {
            String name = name();
            if (lag == null || !name.equals(meterName)) {
                Tags tags = Tags.of("loop", name, "scheduler", target.scheduler());
                lag = Timer.builder("fanout.eventloop.lag")
                        .description("How late a probe task ran on an event loop or parallel thread")
                        .tags(tags)
                        .register(registry);
                stalls = Counter.builder("fanout.eventloop.stalls")
                        .description("Probes that waited longer than fanout.stall.threshold")
                        .tags(tags)
                        .register(registry);
                Gauge.builder("fanout.eventloop.pending", pendingMillis, AtomicLong::get)
                        .description("How long the current probe has been waiting, in ms (0 when it ran)")
                        .baseUnit("milliseconds")
                        .tags(tags)
                        .register(registry);
                meterName = name;
            }
            return this;
        }
    }

    /** Carries a stalled thread's stack into the log as if it were an exception's (logback prints it). */
    static final class StalledThread extends RuntimeException {
        StalledThread(String thread, StackTraceElement[] stack) {
            super("stack of " + thread, null, false, true);
            setStackTrace(stack);
        }
    }
}
