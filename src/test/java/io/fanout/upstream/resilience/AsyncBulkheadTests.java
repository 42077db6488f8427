package io.fanout.upstream.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;

class AsyncBulkheadTests {

    private static final Duration NO_WAIT = Duration.ZERO;

    @Test
    void shouldRunAtOnceWhileAPermitIsFreeAndReturnItAfterwards() {
        AsyncBulkhead bulkhead = new AsyncBulkhead("users", 2, NO_WAIT, 1);

        bulkhead.run(false, Mono.just("a"))
                .as(StepVerifier::create)
                .expectNext("a")
                .verifyComplete();

        assertThat(bulkhead.inUse()).isZero();
        assertThat(bulkhead.waiting()).isZero();
    }

    @Test
    void shouldFailAtOnceWithBulkheadFullWhenFullAndNoWaitIsAllowed() {
        AsyncBulkhead bulkhead = new AsyncBulkhead("users", 1, NO_WAIT, 1);
        PublisherProbe<String> second = PublisherProbe.of(Mono.just("b"));

        // the first call holds the permit until the second has been answered: no real-time margin involved
        Sinks.One<String> first = Sinks.one();
        StepVerifier.create(Mono.zip(
                        bulkhead.run(false, first.asMono()),
                        bulkhead.run(false, second.mono())
                                .onErrorResume(e -> Mono.just(typeOf(e)))
                                .doOnNext(ignored -> first.tryEmitValue("a"))))
                .expectNextMatches(t -> t.getT2().equals("bulkhead-full"))
                .verifyComplete();

        second.assertWasNotSubscribed();
        assertThat(bulkhead.inUse()).isZero();
        assertThat(bulkhead.rejectedCount()).isEqualTo(1);
    }

    @Test
    void shouldStartWaitersInArrivalOrderWhenPermitsAreReleased() {
        List<String> started = new CopyOnWriteArrayList<>();

        StepVerifier.withVirtualTime(() -> {
                    AsyncBulkhead bulkhead = new AsyncBulkhead("users", 1, Duration.ofSeconds(1), 1);
                    return Flux.merge(
                            bulkhead.run(false, body("a", started, 100)),
                            bulkhead.run(false, body("b", started, 100)),
                            bulkhead.run(false, body("c", started, 100)));
                })
                .thenAwait(Duration.ofMillis(99))
                .then(() -> assertThat(started).containsExactly("a"))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("a")
                .then(() -> assertThat(started).containsExactly("a", "b"))
                .thenAwait(Duration.ofMillis(200))
                .expectNext("b", "c")
                .verifyComplete();
    }

    @Test
    void shouldFailAWaiterWithBulkheadFullAfterMaxWaitAndForgetIt() {
        AsyncBulkhead bulkhead = new AsyncBulkhead("users", 1, Duration.ofMillis(20), 1);
        PublisherProbe<String> waiterBody = PublisherProbe.of(Mono.just("late"));

        StepVerifier.withVirtualTime(() -> Mono.zip(
                        bulkhead.run(false, Mono.delay(Duration.ofMillis(50)).thenReturn("first")),
                        bulkhead.run(false, waiterBody.mono()).onErrorResume(e -> Mono.just(typeOf(e)))))
                .then(() -> assertThat(bulkhead.waiting()).isEqualTo(1))
                .thenAwait(Duration.ofMillis(20))
                .then(() -> assertThat(bulkhead.waiting()).isZero())
                .thenAwait(Duration.ofMillis(30))
                .expectNextMatches(t -> t.getT1().equals("first") && t.getT2().equals("bulkhead-full"))
                .verifyComplete();

        waiterBody.assertWasNotSubscribed();
        assertThat(bulkhead.inUse()).isZero();
    }

    @Test
    void shouldStopWaitingAtTheCallersDeadlineWithDeadlineExceededWhenThatComesBeforeMaxWait() {
        AsyncBulkhead bulkhead = new AsyncBulkhead("users", 1, Duration.ofSeconds(5), 1);
        PublisherProbe<String> waiterBody = PublisherProbe.of(Mono.just("late"));

        StepVerifier.withVirtualTime(() -> Mono.zip(
                        bulkhead.run(false, Mono.delay(Duration.ofMillis(500)).thenReturn("first")),
                        bulkhead.run(false, Duration.ofMillis(100), waiterBody.mono())
                                .onErrorResume(e -> Mono.just(typeOf(e)))))
                .then(() -> assertThat(bulkhead.waiting()).isEqualTo(1))
                .thenAwait(Duration.ofMillis(100))
                .then(() -> assertThat(bulkhead.waiting()).isZero())
                .thenAwait(Duration.ofMillis(400))
                .expectNextMatches(t -> t.getT1().equals("first") && t.getT2().equals("deadline-exceeded"))
                .verifyComplete();

        waiterBody.assertWasNotSubscribed();
        assertThat(bulkhead.inUse()).isZero();
        assertThat(bulkhead.rejectedCount()).isZero(); // the bulkhead refused nobody
    }

    @Test
    void shouldGiveBatchTrafficAtMostItsShareRoundedDownAndLeaveLiveTrafficAPermit() {
        assertThat(new AsyncBulkhead("u", 5, NO_WAIT, 0.5).batchMax()).isEqualTo(2);
        assertThat(new AsyncBulkhead("u", 3, NO_WAIT, 0.9).batchMax()).isEqualTo(2);
        assertThat(new AsyncBulkhead("u", 10, NO_WAIT, 0.3).batchMax()).isEqualTo(3);
        assertThat(new AsyncBulkhead("u", 4, NO_WAIT, 1).batchMax()).isEqualTo(4);
        // one permit cannot be split: batch traffic may still use it rather than never run
        assertThat(new AsyncBulkhead("u", 1, NO_WAIT, 0.5).batchMax()).isEqualTo(1);
        assertThat(new AsyncBulkhead("u", 4, NO_WAIT, 0.1).batchMax()).isEqualTo(1);
    }

    @Test
    void shouldLeaveTheQueueAtOnceWhenAWaiterIsCancelled() {
        AsyncBulkhead bulkhead = new AsyncBulkhead("users", 1, Duration.ofSeconds(10), 1);
        PublisherProbe<String> waiterBody = PublisherProbe.of(Mono.just("never"));

        StepVerifier.withVirtualTime(() ->
                        bulkhead.run(false, Mono.delay(Duration.ofMillis(100)).thenReturn("a")))
                .then(() -> StepVerifier.create(bulkhead.run(false, waiterBody.mono()))
                        .then(() -> assertThat(bulkhead.waiting()).isEqualTo(1))
                        .thenCancel()
                        .verify())
                .then(() -> assertThat(bulkhead.waiting()).isZero())
                .thenAwait(Duration.ofMillis(100))
                .expectNext("a")
                .verifyComplete();

        waiterBody.assertWasNotSubscribed();
        assertThat(bulkhead.inUse()).isZero();
    }

    @Test
    void shouldReturnThePermitWhenTheBodyFailsOrIsCancelled() {
        AsyncBulkhead bulkhead = new AsyncBulkhead("users", 1, NO_WAIT, 1);

        bulkhead.run(false, Mono.error(new IllegalStateException("boom")))
                .as(StepVerifier::create)
                .verifyError(IllegalStateException.class);
        StepVerifier.create(bulkhead.run(false, Mono.never()))
                .then(() -> assertThat(bulkhead.inUse()).isEqualTo(1))
                .thenCancel()
                .verify();

        assertThat(bulkhead.inUse()).isZero();
        bulkhead.run(false, Mono.just("again"))
                .as(StepVerifier::create)
                .expectNext("again")
                .verifyComplete();
    }

    @Test
    void shouldKeepBatchTrafficWithinItsShareSoLiveTrafficStillRuns() {
        AsyncBulkhead bulkhead = new AsyncBulkhead("users", 4, Duration.ofSeconds(1), 0.5);

        StepVerifier.withVirtualTime(() -> Flux.merge(
                        bulkhead.run(true, Mono.delay(Duration.ofMillis(100)).thenReturn("batch1")),
                        bulkhead.run(true, Mono.delay(Duration.ofMillis(100)).thenReturn("batch2")),
                        bulkhead.run(true, Mono.delay(Duration.ofMillis(100)).thenReturn("batch3")),
                        bulkhead.run(false, Mono.delay(Duration.ofMillis(10)).thenReturn("live1")),
                        bulkhead.run(false, Mono.delay(Duration.ofMillis(10)).thenReturn("live2"))))
                .then(() -> {
                    assertThat(bulkhead.batchMax()).isEqualTo(2);
                    assertThat(bulkhead.batchInUse()).isEqualTo(2);
                    assertThat(bulkhead.inUse()).isEqualTo(4);
                    assertThat(bulkhead.waiting()).isEqualTo(1);
                })
                .thenAwait(Duration.ofMillis(10))
                .expectNext("live1", "live2")
                // two permits are free again but batch3 still waits: the batch share is used up
                .then(() -> assertThat(bulkhead.waiting()).isEqualTo(1))
                .thenAwait(Duration.ofMillis(90))
                .expectNext("batch1", "batch2")
                .thenAwait(Duration.ofMillis(100))
                .expectNext("batch3")
                .verifyComplete();

        assertThat(bulkhead.inUse()).isZero();
        assertThat(bulkhead.batchInUse()).isZero();
    }

    @Test
    void shouldNeverExceedMaxConcurrentUnderConcurrentLoadOnEventLoopThreads() {
        AsyncBulkhead bulkhead = new AsyncBulkhead("users", 4, Duration.ofSeconds(5), 1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        Mono<Integer> body = Mono.defer(() -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            // doOnTerminate, not doFinally: doFinally runs after the bulkhead has already started the next waiter
            return Mono.delay(Duration.ofMillis(1)).thenReturn(1).doOnTerminate(running::decrementAndGet);
        });

        // subscribed on parallel() threads, where BlockHound forbids any blocking call
        Flux.range(0, 400)
                .flatMap(i -> bulkhead.run(i % 3 == 0, body).subscribeOn(Schedulers.parallel()), 400)
                .reduce(0, Integer::sum)
                .as(StepVerifier::create)
                .expectNext(400)
                .verifyComplete();

        assertThat(maxRunning.get()).isLessThanOrEqualTo(4);
        assertThat(bulkhead.inUse()).isZero();
        assertThat(bulkhead.waiting()).isZero();
    }

    private static Mono<String> body(String name, List<String> started, long millis) {
        return Mono.defer(() -> {
            started.add(name);
            return Mono.delay(Duration.ofMillis(millis)).thenReturn(name);
        });
    }

    static String typeOf(Throwable e) {
        return e instanceof CallFailure f ? f.type().wireName() : e.toString();
    }

    static ErrorType errorType(Throwable e) {
        return ((CallFailure) e).type();
    }
}
