package io.fanout.upstream.resilience;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The per-attempt timers of the policy chain (attempt timeout, hedge delay): a coarse hashed-wheel timer with one
 * daemon thread for the process, instead of one task on Reactor's parallel scheduler per attempt.
 *
 * <p>Why: a parallel-scheduler task per attempt costs a {@code ScheduledFutureTask} plus its queue entry, and wakes
 * the worker thread whenever the new task becomes the head of its delay queue (on an idle gateway, nearly always).
 * Arming a wheel timeout is one object put on a lock-free queue; the wheel's own thread picks it up on its next tick
 * and almost every timeout is cancelled long before it fires. The price is resolution: a timeout fires up to one
 * {@link #TICK_MILLIS} tick late, which is nothing against upstream timeouts of hundreds of milliseconds.
 *
 * <p>Virtual time: the wheel is used only while {@link Schedulers#parallel()} is Reactor's own parallel scheduler.
 * When a test installs Reactor's {@code VirtualTimeScheduler} (e.g. {@code StepVerifier.withVirtualTime}), or anything
 * else replaced the schedulers, every timer goes to {@link Schedulers#parallel()} instead, so timeouts and hedges
 * follow virtual time exactly as before. The check is made each time a timer is armed, and the wheel holds no state that a virtual-time test could leave behind or depend on: its thread
 * does not belong to Reactor (replacing or disposing Reactor's schedulers cannot stop it) and it is a plain daemon
 * thread (not a non-blocking one for BlockHound; it only sleeps between ticks).
 */
final class AttemptTimer {

    /** Resolution of the wheel: a timeout fires between its delay and its delay plus one tick. */
    static final long TICK_MILLIS = 10;

    private AttemptTimer() {}

    /** The wheel, started on first use. */
    private static final class Wheel {
        static final HashedWheelTimer TIMER = new HashedWheelTimer(
                r -> {
                    Thread t = new Thread(r, "fanout-attempt-timer");
                    t.setDaemon(true);
                    return t;
                },
                TICK_MILLIS,
                TimeUnit.MILLISECONDS,
                512,
                false,
                -1);
    }

    /** A task armed with {@link #schedule}: both a wheel task and a Reactor task. */
    interface Task extends TimerTask, Runnable {
        @Override
        default void run(Timeout timeout) {
            run();
        }
    }

    /**
     * Runs {@code task} after {@code millis} (on the wheel's thread, or on the virtual scheduler); the returned
     * handle goes to {@link #cancel}.
     */
    static Object schedule(Task task, long millis) {
        Scheduler parallel = Schedulers.parallel();
        if (!isReal(parallel)) {
            return parallel.schedule(task, millis, TimeUnit.MILLISECONDS);
        }
        return Wheel.TIMER.newTimeout(task, millis, TimeUnit.MILLISECONDS);
    }

    // the last parallel scheduler seen to be Reactor's own (a replaced one is a new instance)
    private static volatile @Nullable Scheduler knownReal;

    private static boolean isReal(Scheduler parallel) {
        if (parallel == knownReal) {
            return true;
        }
        // Schedulers.parallel() answers a caching wrapper that supplies the scheduler it wraps
        Scheduler inner =
                parallel instanceof Supplier<?> s && s.get() instanceof Scheduler wrapped ? wrapped : parallel;
        boolean real = "reactor.core.scheduler.ParallelScheduler"
                .equals(inner.getClass().getName());
        if (real) {
            knownReal = parallel;
        }
        return real;
    }

    /** Cancels a handle of {@link #schedule} (null: nothing armed). */
    static void cancel(@Nullable Object handle) {
        if (handle instanceof Timeout t) {
            t.cancel();
        } else if (handle instanceof Disposable d) {
            d.dispose();
        }
    }
}
