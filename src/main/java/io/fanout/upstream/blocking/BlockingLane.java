package io.fanout.upstream.blocking;

import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * The threads of one blocking upstream: {@code threads} workers and room for as many queued tasks, nothing more.
 * A task beyond that is refused at once with {@code bulkhead-full} instead of waiting where neither the bulkhead
 * nor the deadline can see it. Since the bulkhead of a blocking upstream admits at most {@code pool-size} calls,
 * the queue only holds the short overlap between a cancelled call giving its permit back and its thread finishing
 * the cancelled statement.
 *
 * <p>Cancelling the returned {@code Mono}: a queued task never starts; a running task gets its registered cancel
 * hooks run (on a separate canceller thread, since e.g. {@code Statement.cancel()} opens a socket) and, when the
 * lane was built with {@code interrupt}, its thread interrupted. A thread's interrupt flag never leaks into the
 * next task.
 *
 * <p>Results are delivered on Reactor's parallel scheduler, so whatever the caller does next never holds one of
 * these threads. Why not {@code Schedulers.newBoundedElastic}: its tasks are pinned to one worker's queue, so a
 * queued call can wait behind a slow query while another thread is idle.
 */
public final class BlockingLane implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BlockingLane.class);

    /** Work that may block; registers how to stop itself with {@link Cancellation#onCancel(Runnable)}. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Cancellation cancellation) throws Exception;
    }

    /** Lets running work register what stops it (e.g. {@code statement::cancel}). */
    public interface Cancellation {
        /** Runs {@code hook} (on the canceller thread) when the call is cancelled, at once if it already was. */
        void onCancel(Runnable hook);

        boolean isCancelled();
    }

    private final String name;
    private final int threads;
    private final int capacity;
    private final boolean interrupt;
    private final ThreadPoolExecutor executor;
    private final ThreadPoolExecutor canceller;
    private final AtomicInteger outstanding = new AtomicInteger();

    /**
     * @param name      thread name prefix, e.g. {@code fanout-jdbc-legacy-db}
     * @param threads   the pool size this lane serves
     * @param interrupt interrupt a running task's thread when its call is cancelled
     */
    public BlockingLane(String name, int threads, boolean interrupt) {
        this.name = name;
        this.threads = threads;
        this.capacity = threads * 2;
        this.interrupt = interrupt;
        // a lock-free queue and prestarted threads: submitting never takes a lock, so it is safe on an event loop
        this.executor = new ThreadPoolExecutor(
                threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedTransferQueue<>(), daemonThreads(name));
        this.executor.prestartAllCoreThreads();
        // kept alive (no idle timeout) so that handing it a hook never has to start a thread under a lock
        this.canceller = new ThreadPoolExecutor(
                1, 1, 0, TimeUnit.MILLISECONDS, new LinkedTransferQueue<>(), daemonThreads(name + "-cancel"));
        this.canceller.prestartAllCoreThreads();
    }

    public int threads() {
        return threads;
    }

    /** Tasks queued or running right now. */
    public int outstanding() {
        return outstanding.get();
    }

    /** Runs {@code work} on one of this lane's threads; see the class comment for cancellation. */
    public <T> Mono<T> run(Work<T> work) {
        return Mono.<T>create(sink -> {
                    if (outstanding.incrementAndGet() > capacity) {
                        outstanding.decrementAndGet();
                        sink.error(new CallFailure(
                                ErrorType.BULKHEAD_FULL,
                                name + " has " + threads + " threads busy and " + (capacity - threads)
                                        + " calls queued",
                                0,
                                Duration.ofSeconds(1)));
                        return;
                    }
                    Task<T> task = new Task<>(work, sink);
                    sink.onCancel(task::cancel);
                    try {
                        executor.execute(task);
                    } catch (RejectedExecutionException e) {
                        outstanding.decrementAndGet();
                        sink.error(new CallFailure(ErrorType.CONNECT_ERROR, name + " is shut down"));
                    }
                })
                .publishOn(Schedulers.parallel());
    }

    /** Runs a cleanup that may block (closing a pool) off the caller's thread, then stops this lane's threads. */
    public void closeAfter(Runnable cleanup) {
        executor.shutdown();
        try {
            canceller.execute(() -> {
                try {
                    cleanup.run();
                } catch (RuntimeException e) {
                    log.warn("closing {} failed", name, e);
                } finally {
                    canceller.shutdown();
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("{} was already closed", name);
        }
    }

    @Override
    public void close() {
        closeAfter(() -> {});
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private enum State {
        QUEUED,
        RUNNING,
        CANCELLED,
        DONE
    }

    /** One call: its state only changes under its own lock, so cancel and completion never race. */
    private final class Task<T> implements Runnable, Cancellation {
        private final Work<T> work;
        private final MonoSink<T> sink;
        private final List<Runnable> hooks = new ArrayList<>(1);
        private State state = State.QUEUED;
        private @Nullable Thread thread;

        Task(Work<T> work, MonoSink<T> sink) {
            this.work = work;
            this.sink = sink;
        }

        @Override
        public void run() {
            try {
                synchronized (this) {
                    if (state == State.CANCELLED) {
                        return;
                    }
                    state = State.RUNNING;
                    thread = Thread.currentThread();
                }
                T result = null;
                Throwable error = null;
                try {
                    result = work.run(this);
                } catch (Throwable e) {
                    error = e;
                }
                boolean cancelled;
                synchronized (this) {
                    cancelled = state == State.CANCELLED;
                    state = State.DONE;
                    thread = null;
                    // an interrupt aimed at this task must not reach the next one on this thread
                    Thread.interrupted();
                }
                if (cancelled) {
                    return;
                }
                if (error != null) {
                    sink.error(error);
                } else if (result == null) {
                    sink.success();
                } else {
                    sink.success(result);
                }
            } finally {
                outstanding.decrementAndGet();
            }
        }

        void cancel() {
            List<Runnable> toRun;
            synchronized (this) {
                if (state == State.DONE || state == State.CANCELLED) {
                    return;
                }
                boolean running = state == State.RUNNING;
                state = State.CANCELLED;
                if (!running) {
                    return; // the worker that picks it up skips it
                }
                if (interrupt && thread != null) {
                    thread.interrupt();
                }
                toRun = List.copyOf(hooks);
            }
            toRun.forEach(this::runHook);
        }

        @Override
        public void onCancel(Runnable hook) {
            synchronized (this) {
                if (state != State.CANCELLED) {
                    hooks.add(hook);
                    return;
                }
            }
            runHook(hook);
        }

        @Override
        public synchronized boolean isCancelled() {
            return state == State.CANCELLED;
        }

        private void runHook(Runnable hook) {
            try {
                canceller.execute(() -> {
                    try {
                        hook.run();
                    } catch (RuntimeException e) {
                        log.debug("cancelling a call on {} failed", name, e);
                    }
                });
            } catch (RejectedExecutionException e) {
                log.debug("{} is closed; a cancel hook was dropped", name);
            }
        }
    }
}
