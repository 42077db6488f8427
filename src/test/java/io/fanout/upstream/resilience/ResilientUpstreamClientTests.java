package io.fanout.upstream.resilience;

import static io.fanout.upstream.resilience.ScriptedTransport.body;
import static io.fanout.upstream.resilience.Upstreams.budget;
import static io.fanout.upstream.resilience.Upstreams.get;
import static io.fanout.upstream.resilience.Upstreams.plain;
import static io.fanout.upstream.resilience.Upstreams.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.definition.BulkheadDefinition;
import io.fanout.definition.CacheDefinition;
import io.fanout.definition.HedgeDefinition;
import io.fanout.definition.UpstreamDefinition;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.fanout.upstream.UpstreamResponse;
import io.fanout.upstream.UpstreamStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class ResilientUpstreamClientTests {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final RandomGenerator NO_JITTER = () -> 0L;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private ResilientUpstreamClient client(UpstreamDefinition definition, ScriptedTransport fake) {
        return new ResilientUpstreamClient(definition, fake, registry, () -> NO_JITTER);
    }

    private static ErrorType type(Throwable e) {
        return ((CallFailure) e).type();
    }

    // --- per-attempt timeout -------------------------------------------------------------------------------

    @Test
    void shouldCutAHangingAttemptWithTimeoutWhenItsOwnTimeoutIsShorterThanTheDeadline() {
        ScriptedTransport fake = new ScriptedTransport(n -> ScriptedTransport.hang());
        ResilientUpstreamClient client = client(plain(), fake);

        StepVerifier.withVirtualTime(() -> client.exchange(get("/u/1"), budget(Duration.ofMillis(200), SECOND)))
                .thenAwait(Duration.ofMillis(200))
                .expectErrorSatisfies(e -> assertThat(type(e)).isEqualTo(ErrorType.TIMEOUT))
                .verify();

        assertThat(fake.cancellations).hasValue(1);
        assertThat(fake.inFlight).hasValue(0);
    }

    @Test
    void shouldCutAHangingAttemptWithDeadlineExceededWhenTheDeadlineComesFirst() {
        ScriptedTransport fake = new ScriptedTransport(n -> ScriptedTransport.hang());
        ResilientUpstreamClient client = client(plain(), fake);

        StepVerifier.withVirtualTime(() -> client.exchange(get("/u/1"), budget(SECOND, Duration.ofMillis(300))))
                .thenAwait(Duration.ofMillis(300))
                .expectErrorSatisfies(e -> assertThat(type(e)).isEqualTo(ErrorType.DEADLINE_EXCEEDED))
                .verify();
    }

    // --- bulkhead through the client ---------------------------------------------------------------------------

    @Test
    void shouldReturnEveryBulkheadPermitAndGaugeToZeroAfterSuccessFailureTimeoutAndCancel() {
        ScriptedTransport fake = new ScriptedTransport(n -> switch (n) {
            case 1 -> ScriptedTransport.okAfter(Duration.ofMillis(10), "ok");
            case 2 -> ScriptedTransport.status(503);
            case 3 -> ScriptedTransport.hang(); // cut by the timeout
            default -> ScriptedTransport.hang(); // cancelled by the caller
        });
        UpstreamDefinition definition = with(plain(), new BulkheadDefinition(1, Duration.ofSeconds(5), 0.5));
        ResilientUpstreamClient client = client(definition, fake);

        StepVerifier.withVirtualTime(() -> Flux.concat(
                        client.exchange(get("/a"), budget(Duration.ofMillis(100), SECOND))
                                .map(ScriptedTransport::body),
                        client.exchange(get("/b"), budget(Duration.ofMillis(100), SECOND))
                                .map(ScriptedTransport::body)
                                .onErrorResume(e -> Mono.just(type(e).wireName())),
                        client.exchange(get("/c"), budget(Duration.ofMillis(100), SECOND))
                                .map(ScriptedTransport::body)
                                .onErrorResume(e -> Mono.just(type(e).wireName())),
                        client.exchange(get("/d"), budget(Duration.ofMillis(100), SECOND))
                                .take(Duration.ofMillis(50))
                                .thenReturn("cancelled")))
                .thenAwait(Duration.ofSeconds(1))
                .expectNext("ok", "upstream-status", "timeout", "cancelled")
                .verifyComplete();

        assertThat(client.bulkhead().inUse()).isZero();
        assertThat(client.bulkhead().waiting()).isZero();
        assertThat(registry.get("fanout.upstream.bulkhead.in.use")
                        .tag("upstream", "users")
                        .gauge()
                        .value())
                .isZero();
        assertThat(registry.get("fanout.upstream.bulkhead.waiting").gauge().value())
                .isZero();
        assertThat(fake.inFlight).hasValue(0);
    }

    @Test
    void shouldFailWithBulkheadFullWhileTheOnlyPermitIsHeldAndReportItAsACallOutcome() {
        ScriptedTransport fake = new ScriptedTransport(n -> ScriptedTransport.okAfter(Duration.ofMillis(100), "slow"));
        ResilientUpstreamClient client = client(with(plain(), new BulkheadDefinition(1, Duration.ZERO, 0.5)), fake);

        StepVerifier.withVirtualTime(() -> Mono.zip(
                        client.exchange(get("/a"), budget(SECOND, SECOND)).map(ScriptedTransport::body),
                        client.exchange(get("/b"), budget(SECOND, SECOND))
                                .map(ScriptedTransport::body)
                                .onErrorResume(e -> Mono.just(type(e).wireName()))))
                .thenAwait(Duration.ofMillis(100))
                .expectNextMatches(t -> t.getT1().equals("slow") && t.getT2().equals("bulkhead-full"))
                .verifyComplete();

        assertThat(fake.subscriptions).hasValue(1);
        assertThat(registry.get("fanout.upstream.calls")
                        .tag("outcome", "bulkhead-full")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    // --- rate limit through the client -------------------------------------------------------------------------

    @Test
    void shouldFailWithRateLimitedWithoutCallingTheUpstreamWhenNoTokenIsLeft() {
        ScriptedTransport fake = ScriptedTransport.answering("ok");

        StepVerifier.withVirtualTime(() -> {
                    ResilientUpstreamClient client =
                            client(with(plain(), Upstreams.rateLimit(1, 1, Duration.ZERO)), fake);
                    return client.exchange(get("/a"), budget(SECOND, SECOND))
                            .then(client.exchange(get("/b"), budget(SECOND, SECOND)));
                })
                .expectErrorSatisfies(e -> {
                    assertThat(type(e)).isEqualTo(ErrorType.RATE_LIMITED);
                    assertThat(((CallFailure) e).retryAfter()).isEqualTo(SECOND);
                })
                .verify();

        assertThat(fake.subscriptions).hasValue(1);
    }

    // --- cache / stale-if-error -------------------------------------------------------------------------------

    @Test
    void shouldAnswerAFreshHitFromTheCacheWithoutCallingTheUpstream() {
        ScriptedTransport fake = new ScriptedTransport(n -> ScriptedTransport.ok("answer " + n));
        ResilientUpstreamClient client =
                client(with(plain(), new CacheDefinition(Duration.ofSeconds(5), Duration.ZERO, 100)), fake);

        StepVerifier.withVirtualTime(() -> client.exchange(get("/a"), budget(SECOND, SECOND))
                        .concatWith(Mono.delay(Duration.ofSeconds(4))
                                .then(Mono.defer(() -> client.exchange(get("/a"), budget(SECOND, SECOND)))))
                        .concatWith(Mono.delay(Duration.ofSeconds(2))
                                .then(Mono.defer(() -> client.exchange(get("/a"), budget(SECOND, SECOND))))))
                .expectNextMatches(r -> r.source() == UpstreamResponse.Source.NETWORK && body(r).equals("answer 1"))
                .thenAwait(Duration.ofSeconds(4))
                .expectNextMatches(r -> r.source() == UpstreamResponse.Source.CACHE && body(r).equals("answer 1"))
                .thenAwait(Duration.ofSeconds(2))
                .expectNextMatches(r -> r.source() == UpstreamResponse.Source.NETWORK && body(r).equals("answer 2"))
                .verifyComplete();
    }

    @Test
    void shouldServeTheLastGoodAnswerAsStaleWhenTheUpstreamFailsButNotForA4xx() {
        ScriptedTransport fake = new ScriptedTransport(n -> switch (n) {
            case 1 -> ScriptedTransport.ok("good");
            case 2 -> ScriptedTransport.status(503);
            case 3 -> ScriptedTransport.connectError();
            default -> ScriptedTransport.status(404);
        });
        ResilientUpstreamClient client =
                client(with(plain(), new CacheDefinition(Duration.ZERO, Duration.ofMinutes(5), 100)), fake);

        StepVerifier.withVirtualTime(() -> Flux.concat(
                        client.exchange(get("/a"), budget(SECOND, SECOND))
                                .map(r -> r.source().wireName()),
                        client.exchange(get("/a"), budget(SECOND, SECOND)).map(r -> r.source() + " " + body(r)),
                        client.exchange(get("/a"), budget(SECOND, SECOND)).map(r -> r.source() + " " + body(r)),
                        client.exchange(get("/a"), budget(SECOND, SECOND))
                                .map(r -> r.source().wireName())
                                .onErrorResume(e -> Mono.just(type(e).wireName()))))
                .expectNext("network", "STALE good", "STALE good", "upstream-status")
                .verifyComplete();

        assertThat(registry.get("fanout.upstream.stale.served").counter().count())
                .isEqualTo(2);
    }

    @Test
    void shouldNotServeStaleOlderThanTheStaleIfErrorWindow() {
        ScriptedTransport fake =
                new ScriptedTransport(n -> n == 1 ? ScriptedTransport.ok("good") : ScriptedTransport.status(503));
        ResilientUpstreamClient client =
                client(with(plain(), new CacheDefinition(Duration.ZERO, Duration.ofMinutes(1), 100)), fake);

        StepVerifier.withVirtualTime(() -> client.exchange(get("/a"), budget(SECOND, SECOND))
                        .then(Mono.delay(Duration.ofMinutes(2)))
                        .then(Mono.defer(() -> client.exchange(get("/a"), budget(SECOND, SECOND)))))
                .thenAwait(Duration.ofMinutes(2))
                .expectErrorSatisfies(e -> assertThat(type(e)).isEqualTo(ErrorType.UPSTREAM_STATUS))
                .verify();
    }

    @Test
    void shouldNeverCacheOrServeAsStaleA2xxAnswerThatIsNotJsonAndCountItAsABreakerFailure() {
        ScriptedTransport fake = new ScriptedTransport(n -> switch (n) {
            case 1 -> ScriptedTransport.raw("{\"v\":1}");
            case 2 -> ScriptedTransport.raw("<html>oops</html>"); // after the ttl: replaces nothing, stale answers
            case 3 -> ScriptedTransport.status(503);
            default -> ScriptedTransport.raw("{\"v\":4}");
        });
        UpstreamDefinition definition = with(
                with(plain(), new CacheDefinition(Duration.ofSeconds(1), Duration.ofMinutes(5), 100)),
                Upstreams.breaker(100, Duration.ofSeconds(10)));
        ResilientUpstreamClient client = client(definition, fake);

        StepVerifier.withVirtualTime(() -> Flux.concat(
                                client.exchange(get("/a"), budget(SECOND, SECOND)),
                                Mono.delay(Duration.ofSeconds(2))
                                        .then(Mono.defer(() -> client.exchange(get("/a"), budget(SECOND, SECOND)))),
                                Mono.defer(() -> client.exchange(get("/a"), budget(SECOND, SECOND))))
                        .map(r -> r.source().wireName() + " " + body(r)))
                .thenAwait(Duration.ofSeconds(2))
                .expectNext("network {\"v\":1}", "stale {\"v\":1}", "stale {\"v\":1}")
                .verifyComplete();

        CircuitBreaker.Metrics m = client.breakerPolicy().breaker().getMetrics();
        assertThat(m.getNumberOfFailedCalls()).isEqualTo(2); // the garbage answer and the 503
        assertThat(m.getNumberOfSuccessfulCalls()).isEqualTo(1);
        assertThat(registry.get("fanout.upstream.stale.served").counter().count())
                .isEqualTo(2);
    }

    @Test
    void shouldFailAGarbageAnswerWithInvalidResponseWithoutAnyCacheAndNotStoreIt() {
        ScriptedTransport fake = new ScriptedTransport(
                n -> n == 1 ? ScriptedTransport.raw("{\"half\": ") : ScriptedTransport.raw("[1]"));
        ResilientUpstreamClient client =
                client(with(plain(), new CacheDefinition(Duration.ofMinutes(1), Duration.ofMinutes(5), 100)), fake);

        StepVerifier.withVirtualTime(() -> client.exchange(get("/a"), budget(SECOND, SECOND)))
                .expectErrorSatisfies(e -> assertThat(type(e)).isEqualTo(ErrorType.INVALID_RESPONSE))
                .verify();
        StepVerifier.withVirtualTime(() -> client.exchange(get("/a"), budget(SECOND, SECOND)))
                .expectNextMatches(r -> r.source() == UpstreamResponse.Source.NETWORK && body(r).equals("[1]"))
                .verifyComplete();

        assertThat(fake.subscriptions).hasValue(2);
    }

    @Test
    void shouldAcceptA204AndAnEmptyNon200AnswerAsAnswersWithoutData() {
        ScriptedTransport fake = new ScriptedTransport(
                n -> Mono.just(new UpstreamResponse(n == 1 ? 204 : 202, new byte[0], UpstreamResponse.Source.NETWORK)));
        ResilientUpstreamClient client = client(plain(), fake);

        StepVerifier.create(client.exchange(get("/a"), budget(SECOND, SECOND))
                        .concatWith(client.exchange(get("/b"), budget(SECOND, SECOND)))
                        .map(UpstreamResponse::status))
                .expectNext(204, 202)
                .verifyComplete();
    }

    // --- hedging -----------------------------------------------------------------------------------------------

    @Test
    void shouldHedgeAfterTheDelayTakeTheFirstAnswerAndCancelTheLoserWithoutCountingIt() {
        ScriptedTransport fake = new ScriptedTransport(n -> n == 1
                ? ScriptedTransport.okAfter(Duration.ofMillis(500), "slow primary")
                : ScriptedTransport.okAfter(Duration.ofMillis(20), "fast hedge"));
        UpstreamDefinition definition = with(
                with(plain(), new HedgeDefinition(Duration.ofMillis(100), 0.05)),
                Upstreams.breaker(100, Duration.ofSeconds(10)));
        ResilientUpstreamClient client = client(definition, fake);
        CallBudget[] budget = new CallBudget[1];

        StepVerifier.withVirtualTime(() -> {
                    budget[0] = budget(SECOND, SECOND);
                    return client.exchange(get("/a"), budget[0]);
                })
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(119))
                .thenAwait(Duration.ofMillis(1))
                .expectNextMatches(r -> body(r).equals("fast hedge"))
                .verifyComplete();

        assertThat(fake.subscriptions).hasValue(2);
        assertThat(fake.cancellations).hasValue(1);
        assertThat(budget[0].attempts()).isEqualTo(2);
        CircuitBreaker.Metrics m = client.breakerPolicy().breaker().getMetrics();
        assertThat(m.getNumberOfFailedCalls()).isZero();
        assertThat(m.getNumberOfSuccessfulCalls()).isEqualTo(1);
        assertThat(registry.get("fanout.upstream.hedges").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldStopHedgingOnceTheHedgeBudgetIsSpent() {
        ScriptedTransport fake = new ScriptedTransport(n -> ScriptedTransport.okAfter(Duration.ofMillis(200), "slow"));
        // a share of 0: only the floor of the budget is left
        ResilientUpstreamClient client = client(with(plain(), new HedgeDefinition(Duration.ofMillis(100), 0)), fake);
        int calls = RetryBudget.DEFAULT_FLOOR + 5;

        StepVerifier.withVirtualTime(() ->
                        Flux.range(0, calls).flatMap(i -> client.exchange(get("/a" + i), budget(SECOND, SECOND))))
                .thenAwait(Duration.ofMillis(300))
                .expectNextCount(calls)
                .verifyComplete();

        assertThat(registry.get("fanout.upstream.hedges").counter().count()).isEqualTo(RetryBudget.DEFAULT_FLOOR);
        assertThat(fake.subscriptions).hasValue(calls + RetryBudget.DEFAULT_FLOOR);
        assertThat(fake.cancellations).hasValue(RetryBudget.DEFAULT_FLOOR); // every hedged pair had a loser
    }

    @Test
    void shouldNotHedgeWhenTheFirstAttemptAnswersInTime() {
        ScriptedTransport fake =
                new ScriptedTransport(n -> ScriptedTransport.okAfter(Duration.ofMillis(50), "answer " + n));
        ResilientUpstreamClient client = client(with(plain(), new HedgeDefinition(Duration.ofMillis(100), 0.05)), fake);

        StepVerifier.withVirtualTime(() -> client.exchange(get("/a"), budget(SECOND, SECOND)))
                .thenAwait(Duration.ofMillis(50))
                .expectNextMatches(r -> body(r).equals("answer 1"))
                .verifyComplete();

        assertThat(fake.subscriptions).hasValue(1);
    }

    @Test
    void shouldFailAtOnceWhenTheFirstAttemptFailsBeforeTheHedgeStarts() {
        ScriptedTransport fake =
                new ScriptedTransport(n -> Mono.delay(Duration.ofMillis(10)).then(ScriptedTransport.status(500)));
        ResilientUpstreamClient client = client(with(plain(), new HedgeDefinition(Duration.ofMillis(100), 0.05)), fake);

        StepVerifier.withVirtualTime(() -> client.exchange(get("/a"), budget(SECOND, SECOND)))
                .thenAwait(Duration.ofMillis(10))
                .expectErrorSatisfies(
                        e -> assertThat(((CallFailure) e).status()).isEqualTo(500))
                .verify();

        assertThat(fake.subscriptions).hasValue(1);
    }

    @Test
    void shouldWaitForTheHedgeWhenThePrimaryFailsAfterItStarted() {
        ScriptedTransport fake = new ScriptedTransport(n -> n == 1
                ? Mono.delay(Duration.ofMillis(150)).then(ScriptedTransport.status(502))
                : ScriptedTransport.okAfter(Duration.ofMillis(100), "hedge"));
        ResilientUpstreamClient client = client(with(plain(), new HedgeDefinition(Duration.ofMillis(100), 0.05)), fake);

        StepVerifier.withVirtualTime(() -> client.exchange(get("/a"), budget(SECOND, SECOND)))
                .thenAwait(Duration.ofMillis(200))
                .expectNextMatches(r -> body(r).equals("hedge"))
                .verifyComplete();
    }

    // --- status and meters -------------------------------------------------------------------------------------

    @Test
    void shouldReportStatusOfEveryConfiguredPolicy() {
        ScriptedTransport fake = new ScriptedTransport(n -> n % 2 == 0
                ? ScriptedTransport.status(503)
                : ScriptedTransport.okAfter(Duration.ofMillis(10L * n), "ok"));
        UpstreamDefinition definition = with(
                with(
                        with(plain(), new BulkheadDefinition(8, Duration.ZERO, 0.5)),
                        Upstreams.rateLimit(100, 50, Duration.ZERO)),
                Upstreams.breaker(100, Duration.ofSeconds(5)));
        ResilientUpstreamClient client = client(definition, fake);

        StepVerifier.withVirtualTime(() -> Flux.range(0, 4)
                        .concatMap(i -> client.exchange(get("/a" + i), budget(SECOND, SECOND))
                                .onErrorResume(e -> Mono.empty())))
                .thenAwait(Duration.ofSeconds(1))
                .expectNextCount(2)
                .verifyComplete();
        UpstreamStatus status = client.status();

        assertThat(status.circuitState()).isEqualTo("closed");
        assertThat(status.bulkheadInUse()).isZero();
        assertThat(status.bulkheadMax()).isEqualTo(8);
        assertThat(status.rateLimiterAvailable()).isNotNull();
        assertThat(status.recentAttempts()).isEqualTo(4);
        assertThat(status.errorRate()).isEqualTo(0.5);
        assertThat(status.p99Millis()).isEqualTo(30);
    }

    @Test
    void shouldRemoveItsMetersOnCloseUnlessANewerClientOfTheUpstreamOwnsThem() {
        UpstreamDefinition definition = with(plain(), new BulkheadDefinition(4, Duration.ZERO, 0.5));
        ResilientUpstreamClient old = client(definition, ScriptedTransport.answering("ok"));
        ScriptedTransport newTransport = ScriptedTransport.answering("ok");
        ResilientUpstreamClient replacement = client(definition, newTransport);

        old.close();

        assertThat(registry.find("fanout.upstream.bulkhead.max")
                        .tag("upstream", "users")
                        .gauge())
                .isNotNull();
        replacement.close();
        assertThat(registry.find("fanout.upstream.bulkhead.max").gauge()).isNull();
        assertThat(registry.find("fanout.upstream.attempts").counter()).isNull();
        assertThat(newTransport.closed).isTrue();
    }
}
