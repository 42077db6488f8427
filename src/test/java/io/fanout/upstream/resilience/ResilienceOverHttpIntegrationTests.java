package io.fanout.upstream.resilience;

import static io.fanout.testsupport.FakeUpstream.json;
import static io.fanout.testsupport.FakeUpstream.mode;
import static io.fanout.testsupport.FakeUpstream.status;
import static io.fanout.upstream.resilience.Upstreams.batchBudget;
import static io.fanout.upstream.resilience.Upstreams.budget;
import static io.fanout.upstream.resilience.Upstreams.get;
import static io.fanout.upstream.resilience.Upstreams.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.definition.BulkheadDefinition;
import io.fanout.definition.CacheDefinition;
import io.fanout.definition.HedgeDefinition;
import io.fanout.definition.Rate;
import io.fanout.definition.RateLimitDefinition;
import io.fanout.definition.UpstreamDefinition;
import io.fanout.testsupport.FakeUpstream.Mode;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.fanout.upstream.UpstreamResponse;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Every policy of the resilience layer over real HTTP: its happy path, its limit being hit, cancellation at each
 * stage (waiting for a bulkhead permit, waiting for a token, in flight, during a retry backoff), and every permit,
 * waiter and gauge back at zero afterwards. The fault cases of the transport are in {@link UpstreamFaultsOverHttpIntegrationTests}.
 */
class ResilienceOverHttpIntegrationTests extends OverHttpTestBase {

    private static String body(UpstreamResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldRunUnderBlockHoundSoAnyBlockingCallOnANonBlockingThreadFails() {
        StepVerifier.create(Mono.fromCallable(() -> {
                            Thread.sleep(1);
                            return "slept";
                        })
                        .subscribeOn(Schedulers.parallel()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(BlockingOperationError.class))
                .verify(VERIFY);
    }

    // --- all policies at once ------------------------------------------------------------------------------

    @Test
    void shouldAnswerThroughEveryPolicyAndLeaveEveryPermitWaiterAndGaugeAtZero() {
        upstream.on("/users/1", json("{\"id\":1}").withDelay(Duration.ofMillis(200)));
        UpstreamDefinition all = Upstreams.coalescing(with(
                with(
                        with(
                                with(
                                        with(
                                                with(users(), new BulkheadDefinition(4, Duration.ofMillis(100), 0.5)),
                                                Upstreams.rateLimit(100, 10, Duration.ZERO)),
                                        Upstreams.retry(3, Duration.ofMillis(10), 0.2, 503)),
                                Upstreams.breaker(20, Duration.ofSeconds(10))),
                        new HedgeDefinition(Duration.ofSeconds(5), 0.05)),
                new CacheDefinition(Duration.ofMinutes(1), Duration.ofMinutes(5), 100)));
        ResilientUpstreamClient client = client(all);
        CallBudget leader = budget(LONG, LONG);

        // the upstream's 200ms delay is on the virtual clock: it answers only once both followers have joined
        StepVerifier.withVirtualTime(() -> Flux.concat(
                        Flux.merge(
                                        client.exchange(get("/users/1"), leader),
                                        client.exchange(get("/users/1"), budget(LONG, LONG)),
                                        client.exchange(get("/users/1"), budget(LONG, LONG)))
                                .map(r -> r.source() + " " + body(r))
                                .sort(),
                        Mono.defer(() -> client.exchange(get("/users/1"), budget(LONG, LONG)))
                                .map(r -> r.source() + " " + body(r))))
                .then(() -> await(
                        "two followers joined the call at the upstream",
                        () -> counter("coalesced") == 2 && upstream.seen().size() == 1))
                .then(() -> stepUntil(
                        Duration.ofMillis(50),
                        "the answer",
                        () -> upstream.completed().size() == 1))
                .expectNext("COALESCED {\"id\":1}", "COALESCED {\"id\":1}", "NETWORK {\"id\":1}")
                .expectNext("CACHE {\"id\":1}")
                .expectComplete()
                .verify(VERIFY);

        assertThat(upstream.seen()).hasSize(1);
        assertThat(leader.attempts()).isEqualTo(1);
        assertThat(counter("calls", "outcome", "success", "source", "coalesced"))
                .isEqualTo(2);
        assertThat(counter("cache.hits")).isEqualTo(1);
        assertThat(client.status().circuitState()).isEqualTo("closed");
        assertAtRest(client);
    }

    // --- bulkhead ------------------------------------------------------------------------------------------

    @Test
    void shouldRunQueuedCallsOneAtATimeWhenTheyMayWaitForThePermit() {
        upstream.on("/slow", json("{}").withDelay(Duration.ofMillis(100)));
        ResilientUpstreamClient client = client(with(users(), new BulkheadDefinition(1, Duration.ofSeconds(10), 1)));

        StepVerifier.create(Flux.range(0, 3).flatMap(i -> client.exchange(get("/slow?i=" + i), budget(LONG, LONG))))
                .expectNextCount(3)
                .expectComplete()
                .verify(VERIFY);

        assertThat(upstream.maxInFlight()).isEqualTo(1);
        assertAtRest(client);
    }

    @Test
    void shouldTurnACallAwayWithBulkheadFullWithoutTouchingTheUpstreamWhileThePermitIsHeld() {
        upstream.on("/hang", mode(Mode.HANG, ""));
        upstream.on("/ok", json("{}"));
        ResilientUpstreamClient client = client(with(users(), new BulkheadDefinition(1, Duration.ZERO, 1)));

        Disposable first = client.exchange(get("/hang"), budget(LONG, LONG)).subscribe();
        awaitSeen(1);
        StepVerifier.create(client.exchange(get("/ok"), budget(LONG, LONG)))
                .expectErrorSatisfies(e -> {
                    assertThat(type(e)).isEqualTo(ErrorType.BULKHEAD_FULL);
                    assertThat(((CallFailure) e).retryAfter()).isPositive();
                })
                .verify(VERIFY);
        assertThat(gauge("bulkhead.in.use")).isEqualTo(1);
        first.dispose();

        assertAtRest(client);
        assertThat(upstream.seen()).extracting(s -> s.uri()).containsExactly("/hang");
        assertThat(upstream.cancelled()).containsExactly("/hang");
        assertThat(counter("bulkhead.rejected")).isEqualTo(1);
    }

    @Test
    void shouldLeaveTheQueueAtOnceWhenCancelledWhileWaitingForAPermit() {
        upstream.on("/hang", mode(Mode.HANG, ""));
        upstream.on("/ok", json("{}"));
        ResilientUpstreamClient client = client(with(users(), new BulkheadDefinition(1, LONG, 1)));

        Disposable holder = client.exchange(get("/hang"), budget(LONG, LONG)).subscribe();
        awaitSeen(1);
        Disposable waiter = client.exchange(get("/ok"), budget(LONG, LONG)).subscribe();
        await("one caller queued", () -> gauge("bulkhead.waiting") == 1);
        waiter.dispose();

        assertThat(gauge("bulkhead.waiting")).isZero(); // left at once, not when max-wait ran out
        assertThat(gauge("bulkhead.in.use")).isEqualTo(1);
        holder.dispose();
        assertAtRest(client);
        assertThat(upstream.seen()).extracting(s -> s.uri()).containsExactly("/hang");
        // the permit really is free again
        StepVerifier.create(client.exchange(get("/ok"), budget(LONG, LONG)))
                .expectNextCount(1)
                .expectComplete()
                .verify(VERIFY);
    }

    @Test
    void shouldStopWaitingForAPermitAtTheRequestsDeadlineRatherThanAtMaxWait() {
        upstream.on("/hang", mode(Mode.HANG, ""));
        upstream.on("/ok", json("{}"));
        ResilientUpstreamClient client = client(with(users(), new BulkheadDefinition(1, LONG, 1)));

        Disposable holder = client.exchange(get("/hang"), budget(LONG, LONG)).subscribe();
        awaitSeen(1);
        StepVerifier.create(client.exchange(get("/ok"), budget(LONG, Duration.ofMillis(300))))
                .expectErrorSatisfies(e -> assertThat(type(e)).isEqualTo(ErrorType.DEADLINE_EXCEEDED))
                .verify(VERIFY);
        holder.dispose();

        assertAtRest(client);
        assertThat(counter("bulkhead.rejected")).isZero();
        assertThat(upstream.seen()).hasSize(1);
    }

    // --- batch share -----------------------------------------------------------------------------------------

    @Test
    void shouldCapBatchTrafficAtItsShareOfTheBulkheadSoLiveTrafficStillRunsAtOnce() {
        upstream.on("/batch", mode(Mode.HANG, ""));
        upstream.on("/live", json("{}"));
        ResilientUpstreamClient client = client(with(users(), new BulkheadDefinition(4, LONG, 0.5)));
        List<Disposable> batch = new ArrayList<>();

        for (int i = 0; i < 3; i++) {
            batch.add(client.exchange(get("/batch?i=" + i), batchBudget(LONG, LONG))
                    .subscribe());
        }
        awaitSeen(2);
        await("the third batch call queued", () -> gauge("bulkhead.waiting") == 1);
        StepVerifier.create(Flux.range(0, 2).flatMap(i -> client.exchange(get("/live?i=" + i), budget(LONG, LONG))))
                .expectNextCount(2)
                .expectComplete()
                .verify(VERIFY);

        // two permits stayed free for live traffic, and the third batch call still may not take one
        assertThat(gauge("bulkhead.batch.in.use")).isEqualTo(2);
        assertThat(gauge("bulkhead.waiting")).isEqualTo(1);
        assertThat(upstream.seen("/batch")).hasSize(2);
        batch.forEach(Disposable::dispose);
        assertAtRest(client);
    }

    // --- rate limit ------------------------------------------------------------------------------------------

    @Test
    void shouldServeTheBurstThenFailFastWithRateLimitedWithoutTouchingTheUpstream() {
        upstream.on("/ok", json("{}"));
        // one token a minute: however slow the machine, no token is refilled during the test
        ResilientUpstreamClient client =
                client(with(users(), new RateLimitDefinition(new Rate(1, Duration.ofMinutes(1)), 2, Duration.ZERO)));

        StepVerifier.create(Flux.range(0, 3)
                        .concatMap(i -> client.exchange(get("/ok"), budget(LONG, LONG))
                                .map(r -> "ok")
                                .onErrorResume(e -> Mono.just(type(e).wireName() + " after "
                                        + ((CallFailure) e).retryAfter().toMillis() + "ms"))))
                .expectNext("ok", "ok")
                .assertNext(s -> assertThat(s).startsWith("rate-limited after "))
                .expectComplete()
                .verify(VERIFY);

        assertThat(upstream.seen()).hasSize(2);
        assertThat(counter("ratelimiter.rejected")).isEqualTo(1);
        assertAtRest(client);
    }

    @Test
    void shouldWaitForATokenWithoutHoldingABulkheadPermitThenCall() {
        upstream.on("/ok", json("{}"));
        ResilientUpstreamClient client = client(with(
                with(users(), Upstreams.rateLimit(1, 1, Duration.ofSeconds(2))),
                new BulkheadDefinition(1, Duration.ZERO, 1)));

        StepVerifier.withVirtualTime(() -> client.exchange(get("/ok"), budget(LONG, LONG))
                        .concatWith(Mono.defer(() -> client.exchange(get("/ok"), budget(LONG, LONG))))
                        .map(r -> r.source().wireName()))
                .expectNext("network")
                // waiting for its token, the second call holds no permit: the first one's is back
                .then(() -> await(
                        "a caller waiting for a token and no permit held",
                        () -> gauge("ratelimiter.waiting") == 1 && gauge("bulkhead.in.use") == 0))
                .then(() -> stepUntil(
                        Duration.ofMillis(100),
                        "the second call",
                        () -> upstream.seen().size() == 2))
                .expectNext("network")
                .expectComplete()
                .verify(VERIFY);

        assertThat(counter("ratelimiter.waits")).isEqualTo(1);
        assertThat(upstream.seen()).hasSize(2);
        assertAtRest(client);
    }

    @Test
    void shouldGiveTheTokenBackWhenCancelledWhileWaitingForIt() {
        upstream.on("/ok", json("{}"));
        ResilientUpstreamClient client = client(with(users(), Upstreams.rateLimit(1, 1, Duration.ofSeconds(5))));
        Sinks.Empty<Void> cancel = Sinks.empty();

        StepVerifier.withVirtualTime(() -> client.exchange(get("/ok"), budget(LONG, LONG))
                        .concatWith(Mono.defer(() -> client.exchange(get("/ok"), budget(LONG, LONG)))
                                .takeUntilOther(cancel.asMono()))
                        .map(r -> r.source().wireName()))
                .expectNext("network")
                .then(() -> await("a caller waiting for a token", () -> gauge("ratelimiter.waiting") == 1))
                .thenAwait(Duration.ofMillis(500))
                .then(cancel::tryEmitEmpty)
                .then(() -> assertThat(gauge("ratelimiter.waiting")).isZero())
                .thenAwait(Duration.ofMillis(500))
                // a second after the burst: one token refilled; without the give-back it would be owed to nobody
                .then(() -> assertThat(client.rateLimiter().availableTokens()).isEqualTo(1))
                .expectComplete()
                .verify(VERIFY);

        assertThat(upstream.seen()).hasSize(1);
        assertAtRest(client);
    }

    // --- cancellation in flight ------------------------------------------------------------------------------

    @Test
    void shouldCloseTheConnectionAndGiveEveryPermitBackWhenCancelledInFlight() {
        upstream.on("/hang", mode(Mode.HANG, ""));
        ResilientUpstreamClient client = client(with(
                with(
                        with(users(), new BulkheadDefinition(2, Duration.ZERO, 1)),
                        Upstreams.rateLimit(100, 10, Duration.ZERO)),
                Upstreams.breaker(1, Duration.ofSeconds(10))));

        Disposable call = client.exchange(get("/hang"), budget(LONG, LONG)).subscribe();
        awaitSeen(1);
        assertThat(gauge("bulkhead.in.use")).isEqualTo(1);
        call.dispose();

        assertAtRest(client);
        await(
                "the upstream saw the connection closed",
                () -> upstream.cancelled().contains("/hang"));
        CircuitBreaker.Metrics m = client.breakerPolicy().breaker().getMetrics();
        assertThat(m.getNumberOfBufferedCalls()).isZero(); // neither a failure nor a success
        assertThat(client.breakerPolicy().state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(counter("calls", "outcome", "cancelled")).isEqualTo(1);
    }

    // --- circuit breaker -------------------------------------------------------------------------------------

    @Test
    void shouldOpenOnFailuresFailFastWithoutTheNetworkAndRecoverThroughHalfOpenProbes() {
        AtomicInteger n = new AtomicInteger();
        upstream.on("/flaky", req -> n.incrementAndGet() <= 4 ? status(503, "{}") : json("{}"));
        ResilientUpstreamClient client = client(with(users(), Upstreams.breaker(4, Duration.ofSeconds(10))));

        Sinks.Empty<Void> probe = Sinks.empty();

        StepVerifier.withVirtualTime(() -> Flux.range(0, 5)
                        .concatMap(i -> call(client, "/flaky"))
                        .concatWith(probe.asMono().thenMany(Flux.range(0, 3).concatMap(i -> call(client, "/flaky")))))
                .expectNext("upstream-status", "upstream-status", "upstream-status", "upstream-status")
                .expectNext("circuit-open")
                .then(() -> assertThat(client.status().circuitState()).isEqualTo("open"))
                .then(() -> assertThat(upstream.seen()).hasSize(4))
                // the open-for timer was set when the fourth failure was recorded, before the test saw it
                .thenAwait(Duration.ofSeconds(10))
                .then(() -> assertThat(client.status().circuitState()).isEqualTo("half-open"))
                .then(probe::tryEmitEmpty)
                .expectNext("ok", "ok", "ok")
                .expectComplete()
                .verify(VERIFY);

        assertThat(client.breakerPolicy().state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(gauge("circuit.state")).isNotNull();
        assertThat(registry.get(UpstreamMetrics.PREFIX + "circuit.state")
                        .tag("state", "closed")
                        .gauge()
                        .value())
                .isEqualTo(1);
        assertThat(upstream.seen()).hasSize(7); // 4 failures + 3 probes; nothing while open
        assertAtRest(client);
    }

    private static Mono<String> call(ResilientUpstreamClient client, String path) {
        return client.exchange(get(path), budget(LONG, LONG))
                .map(r -> "ok")
                .onErrorResume(e -> Mono.just(type(e).wireName()));
    }

    // --- retry -----------------------------------------------------------------------------------------------

    @Test
    void shouldRetryAListedStatusAndCountEveryAttemptOnceTruthfully() {
        AtomicInteger n = new AtomicInteger();
        upstream.on("/flaky", req -> n.incrementAndGet() <= 2 ? status(502, "{}") : json("{\"third\":true}"));
        ResilientUpstreamClient client = client(with(users(), Upstreams.retry(3, Duration.ofMillis(5), 0.2, 502)));
        CallBudget budget = budget(LONG, LONG);

        StepVerifier.create(client.exchange(get("/flaky"), budget).map(ResilienceOverHttpIntegrationTests::body))
                .expectNext("{\"third\":true}")
                .expectComplete()
                .verify(VERIFY);

        assertThat(budget.attempts()).isEqualTo(3);
        assertThat(upstream.seen()).hasSize(3);
        assertThat(counter("attempts")).isEqualTo(3);
        assertThat(counter("retries")).isEqualTo(2);
    }

    @Test
    void shouldStopRetryingWhenCancelledDuringTheBackoff() {
        upstream.on("/down", status(503, "{}").withHeader("Retry-After", "5"));
        ResilientUpstreamClient client = client(with(users(), Upstreams.retry(3, Duration.ofMillis(5), 0.2, 503)));
        Sinks.Empty<Void> cancel = Sinks.empty();

        StepVerifier.withVirtualTime(
                        () -> client.exchange(get("/down"), budget(LONG, LONG)).takeUntilOther(cancel.asMono()))
                .then(() -> awaitSeen(1))
                .then(() -> await("a retry waiting", () -> counter("retries") == 1))
                .thenAwait(SECOND)
                .then(cancel::tryEmitEmpty)
                .thenAwait(Duration.ofSeconds(30))
                .expectComplete()
                .verify(VERIFY);

        assertThat(upstream.seen()).hasSize(1);
        assertThat(counter("calls", "outcome", "cancelled")).isEqualTo(1);
        assertAtRest(client);
    }

    @Test
    void shouldKeepTotalAttemptsWithinTheRetryBudgetWhenTheUpstreamAlwaysFails() {
        upstream.on("/down", status(503, "{}"));
        ResilientUpstreamClient client = client(with(users(), Upstreams.retry(3, Duration.ofMillis(1), 0.2, 503)));
        int calls = 100;
        List<CallBudget> budgets = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            budgets.add(budget(LONG, LONG));
        }

        long start = System.nanoTime();
        StepVerifier.create(Flux.range(0, calls)
                        .flatMap(
                                i -> client.exchange(get("/down?i=" + i), budgets.get(i))
                                        .onErrorResume(e -> Mono.empty()),
                                8))
                .expectComplete()
                .verify(Duration.ofSeconds(60));

        // without a budget 300 attempts; with it at most calls * (1 + 20%) + the floor of each 10 s window spanned
        // (one, unless the machine is very slow)
        long windows = 1 + Duration.ofNanos(System.nanoTime() - start).toSeconds() / 9;
        int attempts = upstream.seen().size();
        assertThat(attempts).isGreaterThan(calls).isLessThanOrEqualTo((int)
                (calls * 1.2 + RetryBudget.DEFAULT_FLOOR * windows));
        assertThat(counter("retries.denied")).isPositive();
        // meta.calls.X.attempts is truthful: the budgets add up to what the upstream saw
        assertThat(budgets.stream().mapToInt(CallBudget::attempts).sum()).isEqualTo(attempts);
        assertAtRest(client);
    }

    // --- hedging ---------------------------------------------------------------------------------------------

    @Test
    void shouldHedgeAHangingAttemptTakeTheHedgesAnswerAndCancelTheLoserWithoutCountingIt() {
        AtomicInteger n = new AtomicInteger();
        upstream.on("/h", req -> n.incrementAndGet() == 1 ? mode(Mode.HANG, "") : json("{\"from\":\"hedge\"}"));
        ResilientUpstreamClient client = client(with(
                with(users(), new HedgeDefinition(Duration.ofMillis(500), 0.05)),
                Upstreams.breaker(100, Duration.ofSeconds(10))));
        CallBudget[] budget = new CallBudget[1];

        StepVerifier.withVirtualTime(() -> client.exchange(get("/h"), budget[0] = budget(LONG, LONG))
                        .map(ResilienceOverHttpIntegrationTests::body))
                .then(() -> awaitSeen(1))
                .thenAwait(Duration.ofMillis(500))
                .expectNext("{\"from\":\"hedge\"}")
                .expectComplete()
                .verify(VERIFY);

        await(
                "the upstream saw the loser's connection closed",
                () -> upstream.cancelled().size() == 1);
        assertThat(budget[0].attempts()).isEqualTo(2);
        CircuitBreaker.Metrics m = client.breakerPolicy().breaker().getMetrics();
        assertThat(m.getNumberOfFailedCalls()).isZero();
        assertThat(m.getNumberOfSuccessfulCalls()).isEqualTo(1);
        assertThat(counter("hedges")).isEqualTo(1);
        assertAtRest(client);
    }

    // --- coalescing ------------------------------------------------------------------------------------------

    @Test
    void shouldKeepTheSharedCallRunningWhenTheLeaderCancelsWhileOthersWait() {
        upstream.on("/c", json("{\"shared\":true}").withDelay(Duration.ofMillis(300)));
        ResilientUpstreamClient client = client(Upstreams.coalescing(users()));

        Sinks.Empty<Void> leaderLeaves = Sinks.empty();

        // the upstream's delay is on the virtual clock: it answers only after the leader has left
        StepVerifier.withVirtualTime(() -> Flux.merge(
                        client.exchange(get("/c"), budget(LONG, LONG))
                                .takeUntilOther(leaderLeaves.asMono())
                                .map(r -> "leader"),
                        client.exchange(get("/c"), budget(LONG, LONG)).map(r -> r.source() + " " + body(r)),
                        client.exchange(get("/c"), budget(LONG, LONG)).map(r -> r.source() + " " + body(r))))
                .then(() -> await(
                        "two followers joined the call at the upstream",
                        () -> counter("coalesced") == 2 && upstream.seen().size() == 1))
                .then(leaderLeaves::tryEmitEmpty)
                .then(() -> stepUntil(
                        Duration.ofMillis(50),
                        "the answer",
                        () -> upstream.completed().size() == 1))
                .expectNext("COALESCED {\"shared\":true}", "COALESCED {\"shared\":true}")
                .expectComplete()
                .verify(VERIFY);

        assertThat(upstream.seen()).hasSize(1);
        assertThat(upstream.completed()).containsExactly("/c");
        assertThat(upstream.cancelled()).isEmpty();
        assertAtRest(client);
    }

    @Test
    void shouldCancelTheSharedCallAtTheUpstreamWhenTheLastWaiterLeaves() {
        upstream.on("/c", mode(Mode.HANG, ""));
        ResilientUpstreamClient client = client(Upstreams.coalescing(users()));

        Disposable a = client.exchange(get("/c"), budget(LONG, LONG)).subscribe();
        Disposable b = client.exchange(get("/c"), budget(LONG, LONG)).subscribe();
        awaitSeen(1);
        a.dispose();
        assertThat(upstream.cancelled()).isEmpty();
        b.dispose();

        await(
                "the upstream saw the shared call cancelled",
                () -> upstream.cancelled().contains("/c"));
        assertThat(upstream.seen()).hasSize(1);
        assertAtRest(client);
    }
}
