package io.fanout.upstream.resilience;

import static io.fanout.upstream.resilience.ScriptedTransport.body;
import static io.fanout.upstream.resilience.Upstreams.budget;
import static io.fanout.upstream.resilience.Upstreams.get;
import static io.fanout.upstream.resilience.Upstreams.plain;
import static io.fanout.upstream.resilience.Upstreams.post;
import static io.fanout.upstream.resilience.Upstreams.retry;
import static io.fanout.upstream.resilience.Upstreams.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.definition.UpstreamDefinition;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class RetryAndBreakerTests {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final RandomGenerator NO_JITTER = () -> 0L;
    private static final RandomGenerator MAX_JITTER = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1; // the top of the full-jitter range
        }
    };

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private ResilientUpstreamClient client(UpstreamDefinition definition, ScriptedTransport fake) {
        return new ResilientUpstreamClient(definition, fake, registry, () -> NO_JITTER);
    }

    private static ErrorType type(Throwable e) {
        return ((CallFailure) e).type();
    }

    // --- retry ---------------------------------------------------------------------------------------------

    @Test
    void shouldRetryAListedStatusAndCountEveryAttemptOnce() {
        ScriptedTransport fake =
                new ScriptedTransport(n -> n < 3 ? ScriptedTransport.status(503) : ScriptedTransport.ok("third"));
        ResilientUpstreamClient client = client(with(plain(), retry(3, Duration.ofMillis(10), 0.2, 503)), fake);
        CallBudget[] budget = new CallBudget[1];

        StepVerifier.withVirtualTime(() -> client.exchange(get("/a"), budget[0] = budget(SECOND, SECOND)))
                .thenAwait(Duration.ofSeconds(1))
                .expectNextMatches(r -> body(r).equals("third"))
                .verifyComplete();

        assertThat(budget[0].attempts()).isEqualTo(3);
        assertThat(registry.get("fanout.upstream.attempts").counter().count()).isEqualTo(3);
        assertThat(registry.get("fanout.upstream.retries").counter().count()).isEqualTo(2);
    }

    @Test
    void shouldNotRetryANonIdempotentCallOrAnUnlistedStatus() {
        ScriptedTransport fake = new ScriptedTransport(n -> ScriptedTransport.status(503));
        ResilientUpstreamClient client = client(with(plain(), retry(3, Duration.ofMillis(10), 0.2, 503)), fake);
        ScriptedTransport fake404 = new ScriptedTransport(n -> ScriptedTransport.status(404));
        ResilientUpstreamClient client404 = client(with(plain(), retry(3, Duration.ofMillis(10), 0.2, 503)), fake404);

        StepVerifier.withVirtualTime(() -> client.exchange(post("/a"), budget(SECOND, SECOND)))
                .verifyErrorSatisfies(
                        e -> assertThat(((CallFailure) e).status()).isEqualTo(503));
        StepVerifier.withVirtualTime(() -> client404.exchange(get("/a"), budget(SECOND, SECOND)))
                .verifyErrorSatisfies(
                        e -> assertThat(((CallFailure) e).status()).isEqualTo(404));

        assertThat(fake.subscriptions).hasValue(1);
        assertThat(fake404.subscriptions).hasValue(1);
    }

    @Test
    void shouldBackOffExponentiallyAndHonourALongerRetryAfter() {
        ScriptedTransport fake = new ScriptedTransport(n -> switch (n) {
            case 1 -> ScriptedTransport.status(503); // backoff 101ms at the top of the jitter range
            case 2 -> ScriptedTransport.status(503, Duration.ofMillis(400)); // Retry-After 400ms > backoff 200ms
            default -> ScriptedTransport.ok("ok");
        });
        ResilientUpstreamClient client = new ResilientUpstreamClient(
                with(plain(), retry(3, Duration.ofMillis(101), 0.2, 503)), fake, registry, () -> MAX_JITTER);

        StepVerifier.withVirtualTime(() -> client.exchange(get("/a"), budget(SECOND, Duration.ofSeconds(5))))
                .thenAwait(Duration.ofSeconds(1))
                .expectNextCount(1)
                .verifyComplete();

        List<Long> starts = new ArrayList<>(fake.startedAtMillis);
        assertThat(starts.get(1) - starts.get(0)).isEqualTo(101);
        assertThat(starts.get(2) - starts.get(1)).isEqualTo(400);
    }

    @Test
    void shouldGiveUpWithTheLastFailureWhenTheNextAttemptCouldNotStartBeforeTheDeadline() {
        ScriptedTransport fake = new ScriptedTransport(n -> ScriptedTransport.status(503, Duration.ofSeconds(2)));
        ResilientUpstreamClient client = client(with(plain(), retry(3, Duration.ofMillis(10), 0.2, 503)), fake);

        StepVerifier.withVirtualTime(() -> client.exchange(get("/a"), budget(SECOND, SECOND)))
                .expectErrorSatisfies(
                        e -> assertThat(((CallFailure) e).status()).isEqualTo(503))
                .verify(Duration.ofSeconds(1));

        assertThat(fake.subscriptions).hasValue(1);
    }

    @Test
    void shouldStopRetryingWhenCancelledDuringBackoff() {
        ScriptedTransport fake = new ScriptedTransport(n -> ScriptedTransport.connectError());
        ResilientUpstreamClient client = new ResilientUpstreamClient(
                with(plain(), retry(3, Duration.ofMillis(500), 0.2)), fake, registry, () -> MAX_JITTER);

        StepVerifier.withVirtualTime(() -> client.exchange(get("/a"), budget(SECOND, Duration.ofSeconds(5))))
                .expectSubscription()
                .thenAwait(Duration.ofMillis(200))
                .thenCancel()
                .verify();
        StepVerifier.withVirtualTime(() -> Mono.delay(Duration.ofSeconds(5)))
                .thenAwait(Duration.ofSeconds(5))
                .expectNextCount(1)
                .verifyComplete();

        assertThat(fake.subscriptions).hasValue(1);
        assertThat(registry.get("fanout.upstream.calls")
                        .tag("outcome", "cancelled")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void shouldKeepTotalAttemptsWithinTheRetryBudgetWhenTheUpstreamAlwaysFails() {
        ScriptedTransport fake = new ScriptedTransport(n -> ScriptedTransport.status(503));
        ResilientUpstreamClient client = client(with(plain(), retry(3, Duration.ofMillis(1), 0.2, 503)), fake);
        int calls = 200;

        StepVerifier.withVirtualTime(() -> Flux.range(0, calls)
                        .flatMap(i -> client.exchange(get("/a" + i), budget(SECOND, Duration.ofSeconds(5)))
                                .onErrorResume(e -> Mono.empty())))
                .thenAwait(Duration.ofSeconds(5))
                .verifyComplete();

        // without the budget: 600 attempts; with it: calls * (1 + 20%) + floor
        assertThat(fake.subscriptions.get()).isLessThanOrEqualTo((int) (calls * 1.2) + RetryBudget.DEFAULT_FLOOR);
        assertThat(fake.subscriptions.get()).isGreaterThan(calls);
        assertThat(registry.get("fanout.upstream.retries.denied").counter().count())
                .isPositive();
    }

    // --- circuit breaker -----------------------------------------------------------------------------------

    @Test
    void shouldOpenOnTimeoutsFailFastWithoutTheNetworkThenRecoverThroughHalfOpenProbes() {
        ScriptedTransport fake =
                new ScriptedTransport(n -> n <= 4 ? ScriptedTransport.hang() : ScriptedTransport.ok("back"));
        ResilientUpstreamClient client = client(with(plain(), Upstreams.breaker(4, Duration.ofSeconds(10))), fake);
        Duration timeout = Duration.ofMillis(100);

        StepVerifier.withVirtualTime(() -> Flux.range(0, 4)
                        .concatMap(i -> client.exchange(get("/a"), budget(timeout, SECOND))
                                .map(ScriptedTransport::body)
                                .onErrorResume(e -> Mono.just(type(e).wireName())))
                        .concatWith(Mono.defer(() -> client.exchange(get("/a"), budget(timeout, SECOND)))
                                .map(ScriptedTransport::body)
                                .onErrorResume(e -> Mono.just(type(e).wireName() + " "
                                        + ((CallFailure) e).retryAfter().toMillis())))
                        .concatWith(Mono.delay(Duration.ofSeconds(10))
                                .then(Flux.range(0, 3)
                                        .concatMap(i -> client.exchange(get("/a"), budget(timeout, SECOND))
                                                .map(ScriptedTransport::body))
                                        .then(Mono.just("probes done")))))
                .thenAwait(Duration.ofMillis(400))
                .expectNext("timeout", "timeout", "timeout", "timeout", "circuit-open 10000")
                .then(() -> assertThat(client.breakerPolicy().state()).isEqualTo(CircuitBreaker.State.OPEN))
                .thenAwait(Duration.ofSeconds(10))
                .then(() -> assertThat(client.status().circuitState()).isIn("half-open", "closed"))
                .expectNext("probes done")
                .verifyComplete();

        assertThat(fake.subscriptions).hasValue(7); // 4 timeouts + 3 probes, none while open
        assertThat(client.breakerPolicy().state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(registry.get("fanout.upstream.circuit.state")
                        .tag("state", "closed")
                        .gauge()
                        .value())
                .isEqualTo(1);
    }

    @Test
    void shouldNotCountClientErrorsAsFailures() {
        ScriptedTransport fake = new ScriptedTransport(n -> ScriptedTransport.status(404));
        ResilientUpstreamClient client = client(with(plain(), Upstreams.breaker(4, Duration.ofSeconds(10))), fake);

        StepVerifier.withVirtualTime(() -> Flux.range(0, 10)
                        .concatMap(i -> client.exchange(get("/a"), budget(SECOND, SECOND))
                                .onErrorResume(e -> Mono.empty())))
                .verifyComplete();

        assertThat(client.breakerPolicy().state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(client.breakerPolicy().breaker().getMetrics().getNumberOfFailedCalls())
                .isZero();
    }

    @Test
    void shouldGiveTheBreakerPermissionBackWhenAnAttemptIsCancelledOrTurnedAwayLocally() {
        ScriptedTransport fake = new ScriptedTransport(n -> ScriptedTransport.hang());
        UpstreamDefinition definition = with(
                with(plain(), Upstreams.breaker(1, Duration.ofSeconds(10))), Upstreams.rateLimit(1, 1, Duration.ZERO));
        ResilientUpstreamClient client = client(definition, fake);

        StepVerifier.withVirtualTime(() -> client.exchange(get("/a"), budget(SECOND, SECOND))
                        .take(Duration.ofMillis(10))
                        .then(Mono.defer(() -> client.exchange(get("/b"), budget(SECOND, SECOND)))))
                .thenAwait(Duration.ofMillis(10))
                .expectErrorSatisfies(e -> assertThat(type(e)).isEqualTo(ErrorType.RATE_LIMITED))
                .verify();

        CircuitBreaker.Metrics m = client.breakerPolicy().breaker().getMetrics();
        assertThat(m.getNumberOfBufferedCalls()).isZero();
        assertThat(client.breakerPolicy().state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(fake.cancellations).hasValue(1);
    }
}
