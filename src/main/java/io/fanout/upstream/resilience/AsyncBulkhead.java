package io.fanout.upstream.resilience;

import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A bulkhead that never blocks a thread: at most {@code maxConcurrent} bodies run at once, later callers wait in a
 * FIFO queue for up to {@code maxWait} and are started by the thread that releases a permit.
 *
 * <p>Batch traffic may hold at most {@code floor(batchShare * maxConcurrent)} (at least 1) permits, so with a share
 * below 100% live traffic always finds at least one permit batch traffic cannot take (a bulkhead of one permit is the
 * exception: it cannot be split, and batch traffic may use it). A waiting batch caller that cannot use a free permit is skipped, not served out of order within
 * its class. Every permit is returned exactly once, whether the body succeeds, fails, times out or is cancelled,
 * because each caller owns one {@link Ticket} whose state only changes under the lock.
 */
public final class AsyncBulkhead {

    private static final AtomicIntegerFieldUpdater<AsyncBulkhead> WIP =
            AtomicIntegerFieldUpdater.newUpdater(AsyncBulkhead.class, "wip");

    private final String name;
    private final int maxConcurrent;
    private final int batchMax;
    private final Duration maxWait;
    private final LongAdder rejected = new LongAdder();

    private final Object lock = new Object();
    private final LinkedHashSet<Ticket> waiters = new LinkedHashSet<>();
    private int inUse;
    private int batchInUse;

    // Grants are decided under the lock but signalled outside it; a drain loop keeps a chain of synchronous
    // release-grant-release from growing the stack with the queue length.
    private final Queue<Ticket> toSignal = new ConcurrentLinkedQueue<>();
    private volatile int wip;

    /**
     * @param name          upstream name, used in failure messages
     * @param maxConcurrent permits (at least 1)
     * @param maxWait       longest time a caller waits for a permit; zero fails at once when full
     * @param batchShare    share (0..1] of the permits batch traffic may hold
     */
    public AsyncBulkhead(String name, int maxConcurrent, Duration maxWait, double batchShare) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("bulkhead max-concurrent must be at least 1 but was " + maxConcurrent);
        }
        this.name = name;
        this.maxConcurrent = maxConcurrent;
        this.maxWait = maxWait.isNegative() ? Duration.ZERO : maxWait;
        double share = batchShare <= 0 || batchShare > 1 ? 1 : batchShare;
        // floor: "at most the share"; with share < 1 this leaves at least one permit to live traffic
        this.batchMax = Math.max(1, (int) Math.floor(share * maxConcurrent + 1e-9));
    }

    /**
     * Runs {@code body} once a permit is held and releases it when the body ends in any way. Fails with
     * {@link ErrorType#BULKHEAD_FULL} when no permit came within max-wait. The body is subscribed on the thread
     * that freed the permit (usually an event loop), so it must not block.
     */
    public <T> Mono<T> run(boolean batch, Mono<T> body) {
        return run(batch, maxWait, body);
    }

    /**
     * As {@link #run(boolean, Mono)}, waiting at most {@code min(max-wait, waitLimit)}: callers pass the time left
     * before their deadline. A wait cut by that limit rather than by max-wait fails with
     * {@link ErrorType#DEADLINE_EXCEEDED} (the bulkhead did not refuse the call; the request ran out of time).
     */
    public <T> Mono<T> run(boolean batch, Duration waitLimit, Mono<T> body) {
        return Mono.defer(() -> {
            Ticket ticket = new Ticket(batch);
            Mono<Void> permit = acquire(ticket, waitLimit);
            return permit.then(body).doFinally(signal -> release(ticket));
        });
    }

    /**
     * Takes a permit if one is free right now (the fused policy chain's path, no object per call); the caller
     * returns it with {@link #releaseTaken} exactly once. False: the caller must queue through {@link #run}.
     */
    boolean tryTakeNow(boolean batch) {
        synchronized (lock) {
            if (!mayTakeNow(batch)) {
                return false;
            }
            inUse++;
            if (batch) {
                batchInUse++;
            }
            return true;
        }
    }

    /** Returns a permit taken with {@link #tryTakeNow}, and grants it to the next waiter. */
    void releaseTaken(boolean batch) {
        synchronized (lock) {
            inUse--;
            if (batch) {
                batchInUse--;
            }
            grantWaiters();
        }
        drain();
    }

    private Mono<Void> acquire(Ticket ticket, Duration waitLimit) {
        boolean cutByDeadline = waitLimit.compareTo(maxWait) < 0;
        Duration wait = cutByDeadline ? (waitLimit.isNegative() ? Duration.ZERO : waitLimit) : maxWait;
        synchronized (lock) {
            if (mayTakeNow(ticket.batch)) {
                take(ticket);
                return Mono.empty();
            }
            if (wait.isZero()) {
                ticket.state = State.DONE;
                return Mono.error(cutByDeadline ? deadlineExceeded() : rejectedNow());
            }
            ticket.state = State.WAITING;
            waiters.add(ticket);
        }
        // the timeout's scheduler is looked up per subscription, so virtual time applies
        return ticket.granted
                .asMono()
                .timeout(wait, Mono.error(() -> cutByDeadline ? deadlineExceeded() : rejectedNow()));
    }

    private CallFailure deadlineExceeded() {
        return new CallFailure(
                ErrorType.DEADLINE_EXCEEDED,
                name + " was cut by the request's deadline while waiting for a bulkhead permit");
    }

    private CallFailure rejectedNow() {
        rejected.increment();
        return full();
    }

    private CallFailure full() {
        return new CallFailure(
                ErrorType.BULKHEAD_FULL,
                name + " has " + maxConcurrent + " calls in flight (bulkhead full)",
                0,
                Duration.ofSeconds(1));
    }

    private void release(Ticket ticket) {
        synchronized (lock) {
            switch (ticket.state) {
                case HOLDING -> {
                    ticket.state = State.DONE;
                    inUse--;
                    if (ticket.batch) {
                        batchInUse--;
                    }
                    grantWaiters();
                }
                case WAITING -> {
                    // cancelled or timed out while queued: leave the queue at once
                    ticket.state = State.DONE;
                    waiters.remove(ticket);
                }
                default -> {
                    // rejected at once, or already released
                }
            }
        }
        drain();
    }

    // Invariant kept by this method: when a permit is free, every waiter left is a batch caller over its share.
    private void grantWaiters() {
        if (waiters.isEmpty()) {
            return; // the usual case: no iterator allocated
        }
        Iterator<Ticket> it = waiters.iterator();
        while (inUse < maxConcurrent && it.hasNext()) {
            Ticket next = it.next();
            if (!next.batch || batchInUse < batchMax) {
                it.remove();
                take(next);
                toSignal.offer(next);
            }
        }
    }

    private boolean mayTakeNow(boolean batch) {
        // by the invariant above, a free permit means no waiter of this class could use it first
        return inUse < maxConcurrent && (!batch || batchInUse < batchMax);
    }

    private void take(Ticket ticket) {
        ticket.state = State.HOLDING;
        inUse++;
        if (ticket.batch) {
            batchInUse++;
        }
    }

    private void drain() {
        if (WIP.getAndIncrement(this) != 0) {
            return;
        }
        int missed = 1;
        do {
            Ticket t;
            while ((t = toSignal.poll()) != null) {
                // if the waiter was cancelled meanwhile, its doFinally already returned the permit
                t.granted.tryEmitEmpty();
            }
            missed = WIP.addAndGet(this, -missed);
        } while (missed != 0);
    }

    /** Permits held right now. */
    public int inUse() {
        synchronized (lock) {
            return inUse;
        }
    }

    /** Permits held by batch traffic right now. */
    public int batchInUse() {
        synchronized (lock) {
            return batchInUse;
        }
    }

    /** Callers queued for a permit right now. */
    public int waiting() {
        synchronized (lock) {
            return waiters.size();
        }
    }

    public int maxConcurrent() {
        return maxConcurrent;
    }

    public int batchMax() {
        return batchMax;
    }

    /** Callers turned away (full with no wait, or max-wait elapsed) since creation. */
    public long rejectedCount() {
        return rejected.sum();
    }

    private enum State {
        NEW,
        WAITING,
        HOLDING,
        DONE
    }

    /** One caller's claim on a permit; its state is read and written under the bulkhead's lock only. */
    private static final class Ticket {
        final boolean batch;
        final Sinks.Empty<Void> granted = Sinks.empty();
        State state = State.NEW;

        Ticket(boolean batch) {
            this.batch = batch;
        }
    }
}
