package io.fanout.upstream.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.Eventually;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The lane's promises: bounded work, cancellation before and during a task, no interrupt leaking between tasks. */
class BlockingLaneTests {

    private static final Duration PATIENCE = Duration.ofSeconds(5);

    private final BlockingLane lane = new BlockingLane("test-lane", 2, true);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void closeLane() {
        release.countDown();
        lane.close();
    }

    private Mono<String> parked() {
        return lane.run(c -> {
            release.await();
            return "done";
        });
    }

    @Test
    void shouldRunWorkOnItsOwnThreadsAndAnswerOnAnother() {
        StepVerifier.create(lane.run(c -> Thread.currentThread().getName()))
                .assertNext(name -> assertThat(name).startsWith("test-lane-"))
                .verifyComplete();
    }

    @Test
    void shouldRefuseWorkBeyondTwiceItsThreadsAsBulkheadFull() {
        Disposable running = Mono.when(parked(), parked(), parked(), parked()).subscribe();
        Eventually.await(PATIENCE, "four tasks outstanding", () -> lane.outstanding() == 4, lane::outstanding);

        StepVerifier.create(lane.run(c -> "one too many"))
                .expectErrorSatisfies(e -> assertThat(((CallFailure) e).type()).isEqualTo(ErrorType.BULKHEAD_FULL))
                .verify(PATIENCE);
        running.dispose();
    }

    @Test
    void shouldNeverStartAQueuedTaskWhoseCallWasCancelled() {
        Disposable busy = Mono.when(parked(), parked()).subscribe();
        AtomicBoolean ran = new AtomicBoolean();
        Disposable queued = lane.run(c -> {
                    ran.set(true);
                    return "x";
                })
                .subscribe();

        queued.dispose();
        release.countDown();

        Eventually.await(PATIENCE, "the lane drained", () -> lane.outstanding() == 0, lane::outstanding);
        assertThat(ran).isFalse();
        busy.dispose();
    }

    @Test
    void shouldInterruptARunningTaskAndRunItsCancelHookButNotLeakTheInterrupt() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger hooks = new AtomicInteger();
        AtomicBoolean interrupted = new AtomicBoolean();
        Disposable call = lane.run(c -> {
                    c.onCancel(hooks::incrementAndGet);
                    started.countDown();
                    try {
                        Thread.sleep(30_000);
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                    }
                    return "late";
                })
                .subscribe();
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        call.dispose();

        Eventually.await(
                PATIENCE,
                "interrupted and hooked",
                () -> interrupted.get() && hooks.get() == 1,
                () -> interrupted.get() + " " + hooks.get());
        for (int i = 0; i < 4; i++) {
            StepVerifier.create(lane.run(c -> Thread.currentThread().isInterrupted()))
                    .expectNext(false)
                    .verifyComplete();
        }
    }
}
