package io.fanout.upstream.resilience;

import static io.fanout.upstream.resilience.Upstreams.budget;
import static io.fanout.upstream.resilience.Upstreams.get;
import static io.fanout.upstream.resilience.Upstreams.plain;
import static io.fanout.upstream.resilience.Upstreams.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.definition.BulkheadDefinition;
import io.fanout.definition.HedgeDefinition;
import io.fanout.definition.UpstreamDefinition;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The fused policy chain ({@link PolicyCall}) in real time, where its timers run on the wheel
 * ({@link AttemptTimer}), and in virtual time before and after that in one JVM: the wheel must never capture or
 * depend on Reactor's (replaceable) schedulers. Margins are generous (the box is shared): only lower bounds and
 * "did it end at all" are asserted on real time.
 */
class PolicyCallTests {

    private static final Duration SECOND = Duration.ofSeconds(1);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private ResilientUpstreamClient client(UpstreamDefinition definition, ScriptedTransport fake) {
        return new ResilientUpstreamClient(definition, fake, registry, () -> () -> 0L);
    }

    private static ErrorType type(Throwable e) {
        return ((CallFailure) e).type();
    }

    @Test
    void shouldCutAHangingAttemptInRealTimeWithTheWheelNoEarlierThanItsTimeout() {
        ScriptedTransport fake = new ScriptedTransport(n -> ScriptedTransport.hang());
        ResilientUpstreamClient client = client(plain(), fake);
        long start = System.nanoTime();

        StepVerifier.create(client.exchange(get("/u/1"), budget(Duration.ofMillis(100), Duration.ofSeconds(30))))
                .expectErrorSatisfies(e -> assertThat(type(e)).isEqualTo(ErrorType.TIMEOUT))
                .verify(Duration.ofSeconds(20));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(fake.cancellations).hasValue(1);
        assertThat(fake.inFlight).hasValue(0);
    }

    @Test
    void shouldFollowVirtualTimeForTimeoutsAndHedgesBeforeAndAfterTheWheelRan() {
        virtualTimeHedgeAndTimeout();
        shouldCutAHangingAttemptInRealTimeWithTheWheelNoEarlierThanItsTimeout();
        virtualTimeHedgeAndTimeout();
        shouldCutAHangingAttemptInRealTimeWithTheWheelNoEarlierThanItsTimeout();
    }

    private void virtualTimeHedgeAndTimeout() {
        ScriptedTransport fake = new ScriptedTransport(
                n -> n == 1 ? ScriptedTransport.hang() : ScriptedTransport.okAfter(Duration.ofMillis(20), "hedge"));
        ResilientUpstreamClient client = client(with(plain(), new HedgeDefinition(Duration.ofMillis(50), 1.0)), fake);

        // in virtual time nothing happens until the clock is moved: the hedge starts at 50 ms, answers at 70 ms
        StepVerifier.withVirtualTime(() -> client.exchange(get("/u/1"), budget(SECOND, Duration.ofSeconds(5))))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(69))
                .thenAwait(Duration.ofMillis(1))
                .expectNextMatches(r -> ScriptedTransport.body(r).equals("hedge"))
                .expectComplete()
                .verify(Duration.ofSeconds(20));

        ScriptedTransport hanging = new ScriptedTransport(n -> ScriptedTransport.hang());
        ResilientUpstreamClient plainClient = client(plain(), hanging);
        StepVerifier.withVirtualTime(
                        () -> plainClient.exchange(get("/u/1"), budget(Duration.ofMinutes(10), Duration.ofHours(1))))
                .expectSubscription()
                .expectNoEvent(Duration.ofMinutes(10).minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(e -> assertThat(type(e)).isEqualTo(ErrorType.TIMEOUT))
                .verify(Duration.ofSeconds(20));
        assertThat(hanging.cancellations).hasValue(1);
    }

    @Test
    void shouldReturnEveryPermitUnderConcurrentHedgesTimeoutsFailuresAndCancels() throws InterruptedException {
        AtomicInteger answers = new AtomicInteger();
        ScriptedTransport fake = new ScriptedTransport(n -> switch (ThreadLocalRandom.current()
                .nextInt(5)) {
            case 0 -> ScriptedTransport.hang(); // cut by the 30 ms timeout, or lost to a hedge
            case 1 -> ScriptedTransport.status(503);
            default ->
                ScriptedTransport.okAfter(
                                Duration.ofMillis(ThreadLocalRandom.current().nextInt(15)), "ok")
                        .doOnNext(r -> answers.incrementAndGet());
        });
        // no breaker here: resilience4j's time-based window takes a ReentrantLock per outcome, and under this much
        // contention on parallel() threads BlockHound reports its park (as it would for the composed operators)
        UpstreamDefinition definition = with(
                with(plain(), new BulkheadDefinition(8, Duration.ofMillis(200), 1.0)),
                new HedgeDefinition(Duration.ofMillis(5), 1.0));
        ResilientUpstreamClient client = client(definition, fake);

        Long ended = Flux.range(0, 2000)
                .flatMap(
                        i -> {
                            Mono<String> call = client.exchange(get("/u/" + i), budget(Duration.ofMillis(30), SECOND))
                                    .map(ScriptedTransport::body)
                                    .onErrorResume(e -> Mono.just(type(e).wireName()))
                                    .subscribeOn(Schedulers.parallel());
                            // a third of the callers give up early, at any point of the call
                            return i % 3 == 0
                                    ? call.take(Duration.ofMillis(
                                                    ThreadLocalRandom.current().nextInt(20)))
                                            .defaultIfEmpty("cancelled")
                                    : call;
                        },
                        64)
                .count()
                .block(Duration.ofSeconds(60));

        assertThat(ended).isEqualTo(2000);
        assertThat(answers.get()).isPositive();
        // a queued attempt (composed operators) returns its permit in a doFinally, just after its signal went out
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((client.bulkhead().inUse() > 0 || fake.inFlight.get() > 0) && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(client.bulkhead().inUse()).isZero();
        assertThat(client.bulkhead().waiting()).isZero();
        assertThat(fake.inFlight).hasValue(0);
        assertThat(registry.get("fanout.upstream.bulkhead.in.use").gauge().value())
                .isZero();
    }
}
