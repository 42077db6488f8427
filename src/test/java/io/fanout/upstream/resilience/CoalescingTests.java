package io.fanout.upstream.resilience;

import static io.fanout.upstream.resilience.ScriptedTransport.body;
import static io.fanout.upstream.resilience.Upstreams.budget;
import static io.fanout.upstream.resilience.Upstreams.coalescing;
import static io.fanout.upstream.resilience.Upstreams.get;
import static io.fanout.upstream.resilience.Upstreams.plain;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.upstream.UpstreamResponse.Source;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class CoalescingTests {

    private static final Duration SECOND = Duration.ofSeconds(1);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScriptedTransport fake =
            new ScriptedTransport(n -> ScriptedTransport.okAfter(Duration.ofMillis(100), "answer " + n));
    private final ResilientUpstreamClient client = new ResilientUpstreamClient(coalescing(plain()), fake, registry);

    @Test
    void shouldShareOneUpstreamCallBetweenIdenticalConcurrentRequests() {
        StepVerifier.withVirtualTime(() -> Flux.merge(
                                client.exchange(get("/a"), budget(SECOND, SECOND)),
                                client.exchange(get("/a"), budget(SECOND, SECOND)),
                                client.exchange(get("/a"), budget(SECOND, SECOND)))
                        .map(r -> r.source() + " " + body(r)))
                .thenAwait(Duration.ofMillis(100))
                .expectNext("NETWORK answer 1", "COALESCED answer 1", "COALESCED answer 1")
                .verifyComplete();

        assertThat(fake.subscriptions).hasValue(1);
        assertThat(client.coalescer().inFlight()).isZero();
        assertThat(registry.get("fanout.upstream.coalesced").counter().count()).isEqualTo(2);
    }

    @Test
    void shouldNotShareDifferentRequestsOrRequestsAfterTheCallEnded() {
        StepVerifier.withVirtualTime(() -> Flux.merge(
                                client.exchange(get("/a"), budget(SECOND, SECOND)),
                                client.exchange(get("/b"), budget(SECOND, SECOND)))
                        .concatWith(Mono.defer(() -> client.exchange(get("/a"), budget(SECOND, SECOND))))
                        .map(r -> r.source().wireName()))
                .thenAwait(Duration.ofMillis(200))
                .expectNext("network", "network", "network")
                .verifyComplete();

        assertThat(fake.subscriptions).hasValue(3);
    }

    @Test
    void shouldKeepTheSharedCallRunningWhileOneCallerStillWaits() {
        StepVerifier.withVirtualTime(() -> Flux.merge(
                                // the leader gives up at 50ms; the follower still gets the answer at 100ms
                                client.exchange(get("/a"), budget(SECOND, SECOND))
                                        .take(Duration.ofMillis(50)),
                                client.exchange(get("/a"), budget(SECOND, SECOND)))
                        .map(r -> r.source() + " " + body(r)))
                .thenAwait(Duration.ofMillis(100))
                .expectNext("COALESCED answer 1")
                .verifyComplete();

        assertThat(fake.subscriptions).hasValue(1);
        assertThat(fake.cancellations).hasValue(0);
        assertThat(client.coalescer().inFlight()).isZero();
    }

    @Test
    void shouldCancelTheSharedCallWhenTheLastCallerCancels() {
        StepVerifier.withVirtualTime(() -> Flux.merge(
                        client.exchange(get("/a"), budget(SECOND, SECOND)).take(Duration.ofMillis(30)),
                        client.exchange(get("/a"), budget(SECOND, SECOND)).take(Duration.ofMillis(60))))
                .thenAwait(Duration.ofMillis(60))
                .verifyComplete();

        assertThat(fake.cancellations).hasValue(1);
        assertThat(fake.inFlight).hasValue(0);
        assertThat(client.coalescer().inFlight()).isZero();
        // a new caller starts afresh instead of joining the cancelled call
        StepVerifier.withVirtualTime(() -> client.exchange(get("/a"), budget(SECOND, SECOND)))
                .thenAwait(Duration.ofMillis(100))
                .expectNextMatches(r -> r.source() == Source.NETWORK && body(r).equals("answer 2"))
                .verifyComplete();
    }

    @Test
    void shouldLetAFollowerLeaveAtItsOwnDeadlineWhileTheLeaderStillGetsTheAnswer() {
        StepVerifier.withVirtualTime(() -> Flux.merge(
                        client.exchange(get("/a"), budget(SECOND, SECOND)).map(r -> r.source() + " " + body(r)),
                        client.exchange(get("/a"), budget(SECOND, Duration.ofMillis(40)))
                                .map(r -> "follower got an answer")
                                .onErrorResume(e -> Mono.just(((io.fanout.upstream.CallFailure) e)
                                        .type()
                                        .wireName()))))
                .thenAwait(Duration.ofMillis(40))
                .expectNext("deadline-exceeded")
                .thenAwait(Duration.ofMillis(60))
                .expectNext("NETWORK answer 1")
                .verifyComplete();

        assertThat(fake.subscriptions).hasValue(1);
        assertThat(fake.cancellations).hasValue(0);
    }

    @Test
    void shouldShareAFailureWithEveryWaitingCaller() {
        fake.script(n -> Mono.delay(Duration.ofMillis(10)).then(ScriptedTransport.status(503)));

        StepVerifier.withVirtualTime(() -> Flux.merge(
                        client.exchange(get("/a"), budget(SECOND, SECOND))
                                .map(r -> "ok")
                                .onErrorReturn("failed"),
                        client.exchange(get("/a"), budget(SECOND, SECOND))
                                .map(r -> "ok")
                                .onErrorReturn("failed")))
                .thenAwait(Duration.ofMillis(10))
                .expectNext("failed", "failed")
                .verifyComplete();

        assertThat(fake.subscriptions).hasValue(1);
    }

    @Test
    void shouldNotCoalesceLiveCallsWithBatchCalls() {
        StepVerifier.withVirtualTime(() -> Flux.merge(
                                client.exchange(get("/a"), budget(SECOND, SECOND)),
                                client.exchange(get("/a"), Upstreams.batchBudget(SECOND, SECOND)))
                        .map(r -> r.source()))
                .thenAwait(Duration.ofMillis(100))
                .expectNext(Source.NETWORK, Source.NETWORK)
                .verifyComplete();
    }
}
