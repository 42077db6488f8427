package io.fanout.upstream.resilience;

import static io.fanout.testsupport.FakeUpstream.json;
import static io.fanout.testsupport.FakeUpstream.mode;
import static io.fanout.testsupport.FakeUpstream.status;
import static io.fanout.upstream.resilience.Upstreams.budget;
import static io.fanout.upstream.resilience.Upstreams.get;
import static io.fanout.upstream.resilience.Upstreams.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.definition.CacheDefinition;
import io.fanout.definition.UpstreamDefinition;
import io.fanout.testsupport.FakeUpstream.Mode;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.fanout.upstream.UpstreamResponse;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;
import reactor.test.StepVerifier;

/**
 * The upstream faults of SPEC §7 and issue 3 over real sockets, each through the whole resilience layer: an upstream
 * that hangs forever, resets the connection before and after its headers, refuses connections, trickles its answer
 * byte by byte, answers 503 with Retry-After, or answers garbage. Each ends with every permit and gauge at zero.
 */
class UpstreamFaultsOverHttpIntegrationTests extends OverHttpTestBase {

    private static String body(UpstreamResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static UpstreamDefinition withBreaker(UpstreamDefinition d) {
        return with(d, Upstreams.breaker(100, Duration.ofSeconds(10)));
    }

    private static int failedCalls(ResilientUpstreamClient client) {
        return client.breakerPolicy().breaker().getMetrics().getNumberOfFailedCalls();
    }

    // --- hangs forever ---------------------------------------------------------------------------------------

    @Test
    void shouldCutAnUpstreamThatHangsForeverAtTheAttemptTimeoutCloseTheConnectionAndCountAFailure() {
        upstream.on("/hang", mode(Mode.HANG, ""));
        ResilientUpstreamClient client = client(withBreaker(users()));

        StepVerifier.withVirtualTime(() -> client.exchange(get("/hang"), budget(Duration.ofSeconds(2), LONG)))
                .then(() -> awaitSeen(1))
                .thenAwait(Duration.ofSeconds(2))
                .expectErrorSatisfies(e -> {
                    assertThat(type(e)).isEqualTo(ErrorType.TIMEOUT);
                    assertThat(e.getMessage()).isEqualTo("users did not answer within 2000ms");
                })
                .verify(VERIFY);

        await(
                "the upstream saw the connection closed",
                () -> upstream.cancelled().contains("/hang"));
        assertThat(failedCalls(client)).isEqualTo(1);
        assertAtRest(client);
    }

    @Test
    void shouldCutAHangingUpstreamWithDeadlineExceededWhenTheDeadlineComesBeforeTheTimeout() {
        upstream.on("/hang", mode(Mode.HANG, ""));
        ResilientUpstreamClient client = client(withBreaker(users()));

        StepVerifier.withVirtualTime(() -> client.exchange(get("/hang"), budget(LONG, Duration.ofSeconds(3))))
                .then(() -> awaitSeen(1))
                .thenAwait(Duration.ofSeconds(3))
                .expectErrorSatisfies(e -> assertThat(type(e)).isEqualTo(ErrorType.DEADLINE_EXCEEDED))
                .verify(VERIFY);

        await(
                "the upstream saw the connection closed",
                () -> upstream.cancelled().contains("/hang"));
        assertAtRest(client);
    }

    // --- resets ----------------------------------------------------------------------------------------------

    @Test
    void shouldRetryAResetBeforeTheHeadersAsAConnectErrorAndCountEveryAttempt() {
        upstream.on("/reset", mode(Mode.RESET_BEFORE_HEADERS, "{}"));
        ResilientUpstreamClient client =
                client(withBreaker(with(users(), Upstreams.retry(3, Duration.ofMillis(5), 0.2))));
        CallBudget budget = budget(LONG, LONG);

        StepVerifier.create(client.exchange(get("/reset"), budget))
                .expectErrorSatisfies(e -> assertThat(type(e)).isEqualTo(ErrorType.CONNECT_ERROR))
                .verify(VERIFY);

        assertThat(budget.attempts()).isEqualTo(3);
        assertThat(upstream.seen()).hasSize(3);
        assertThat(failedCalls(client)).isEqualTo(3);
        assertAtRest(client);
    }

    @Test
    void shouldNeitherCacheNorServeAnAnswerCutAfterItsHeadersButServeTheLastGoodOneAsStale() {
        AtomicInteger n = new AtomicInteger();
        upstream.on(
                "/u",
                req -> n.incrementAndGet() == 1
                        ? json("{\"good\":true}")
                        : mode(Mode.RESET_AFTER_HEADERS, "{\"cut\":\"after the headers\"}"));
        ResilientUpstreamClient client =
                client(withBreaker(with(users(), new CacheDefinition(Duration.ZERO, Duration.ofMinutes(5), 100))));

        StepVerifier.create(Flux.concat(
                                client.exchange(get("/u"), budget(LONG, LONG)),
                                client.exchange(get("/u"), budget(LONG, LONG)))
                        .map(r -> r.source().wireName() + " " + body(r)))
                .expectNext("network {\"good\":true}", "stale {\"good\":true}")
                .expectComplete()
                .verify(VERIFY);

        assertThat(failedCalls(client)).isEqualTo(1);
        assertThat(counter("calls", "outcome", "success", "source", "stale")).isEqualTo(1);
        assertAtRest(client);
    }

    @Test
    void shouldReportAResetAfterTheHeadersAsAConnectErrorThatSaysTheAnswerWasCut() {
        upstream.on("/cut", mode(Mode.RESET_AFTER_HEADERS, "{\"cut\":\"after the headers\"}"));
        ResilientUpstreamClient client = client(withBreaker(users()));

        StepVerifier.create(client.exchange(get("/cut"), budget(LONG, LONG)))
                .expectErrorSatisfies(e -> {
                    assertThat(type(e)).isEqualTo(ErrorType.CONNECT_ERROR);
                    assertThat(e.getMessage()).isEqualTo("users closed the connection in the middle of its answer");
                })
                .verify(VERIFY);

        assertThat(failedCalls(client)).isEqualTo(1);
        assertAtRest(client);
    }

    // --- refuses connections ---------------------------------------------------------------------------------

    @Test
    void shouldRetryARefusedConnectionAsAConnectErrorAndOpenTheBreakerWithoutFurtherConnects() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        UpstreamDefinition refusing = with(
                with(Upstreams.at("http://127.0.0.1:" + closedPort), Upstreams.retry(2, Duration.ofMillis(5), 0.2)),
                Upstreams.breaker(4, Duration.ofMinutes(1)));
        ResilientUpstreamClient client = client(refusing);
        List<CallBudget> budgets = new CopyOnWriteArrayList<>();

        StepVerifier.create(Flux.range(0, 3).concatMap(i -> {
                    CallBudget b = budget(LONG, LONG);
                    budgets.add(b);
                    return client.exchange(get("/x"), b)
                            .map(r -> "ok")
                            .onErrorResume(e -> Mono.just(type(e).wireName()));
                }))
                .expectNext("connect-error", "connect-error", "circuit-open")
                .expectComplete()
                .verify(VERIFY);

        // two calls of two attempts opened the breaker; the third never tried to connect
        assertThat(budgets).extracting(CallBudget::attempts).containsExactly(2, 2, 0);
        assertThat(client.breakerPolicy().state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertAtRest(client);
    }

    // --- answers slowly, byte by byte ------------------------------------------------------------------------

    @Test
    void shouldTimeOutAnAnswerThatTricklesInSlowerThanTheAttemptTimeoutAlthoughItsHeadersCameInTime() {
        upstream.on("/trickle", mode(Mode.TRICKLE, "{\"a\":\"" + "x".repeat(40) + "\"}")); // ~50ms per byte
        ResilientUpstreamClient client = client(withBreaker(users()));

        StepVerifier.create(client.exchange(get("/trickle"), budget(Duration.ofMillis(400), LONG)))
                .expectErrorSatisfies(e -> assertThat(type(e)).isEqualTo(ErrorType.TIMEOUT))
                .verify(VERIFY);

        await(
                "the upstream saw the connection closed",
                () -> upstream.cancelled().contains("/trickle"));
        assertThat(failedCalls(client)).isEqualTo(1);
        assertAtRest(client);
    }

    @Test
    void shouldAcceptAnAnswerThatTricklesInWithinTheAttemptTimeout() {
        upstream.on("/trickle", mode(Mode.TRICKLE, "[1]"));
        ResilientUpstreamClient client = client(withBreaker(users()));

        StepVerifier.create(client.exchange(get("/trickle"), budget(Duration.ofSeconds(10), LONG))
                        .map(UpstreamFaultsOverHttpIntegrationTests::body))
                .expectNext("[1]")
                .expectComplete()
                .verify(VERIFY);

        assertAtRest(client);
    }

    // --- 503 with Retry-After --------------------------------------------------------------------------------

    @Test
    void shouldHonourRetryAfterOfA503BeforeRetrying() {
        AtomicInteger n = new AtomicInteger();
        List<Long> arrivedAt = new CopyOnWriteArrayList<>();
        upstream.on("/busy", req -> {
            arrivedAt.add(CallBudget.now()); // the virtual clock while the test runs on it
            return n.incrementAndGet() == 1 ? status(503, "{}").withHeader("Retry-After", "2") : json("{}");
        });
        ResilientUpstreamClient client = client(with(users(), Upstreams.retry(3, Duration.ofMillis(10), 0.2, 503)));
        CallBudget[] budget = new CallBudget[1];

        StepVerifier.withVirtualTime(() -> client.exchange(get("/busy"), budget[0] = budget(LONG, LONG)))
                .then(() -> awaitSeen(1))
                .then(() -> await("a retry waiting", () -> counter("retries") == 1))
                .then(() -> stepUntil(
                        Duration.ofMillis(100),
                        "the retry",
                        () -> upstream.seen().size() == 2))
                .expectNextCount(1)
                .expectComplete()
                .verify(VERIFY);

        assertThat(arrivedAt.get(1) - arrivedAt.get(0)).isBetween(2000L, 3000L); // not the 10ms backoff
        assertThat(budget[0].attempts()).isEqualTo(2);
        assertAtRest(client);
    }

    @Test
    void shouldGiveUpAtOnceWithThe503WhenItsRetryAfterEndsPastTheDeadline() {
        upstream.on("/busy", status(503, "{}").withHeader("Retry-After", "10"));
        ResilientUpstreamClient client = client(with(users(), Upstreams.retry(3, Duration.ofMillis(10), 0.2, 503)));

        // virtual time that never moves: the answer must come without waiting at all
        StepVerifier.withVirtualTime(() -> client.exchange(get("/busy"), budget(LONG, Duration.ofSeconds(5))))
                .expectErrorSatisfies(e -> {
                    assertThat(((CallFailure) e).status()).isEqualTo(503);
                    assertThat(((CallFailure) e).retryAfter()).isEqualTo(Duration.ofSeconds(10));
                })
                .verify(VERIFY);

        assertThat(upstream.seen()).hasSize(1);
        assertThat(counter("retries")).isZero();
        assertAtRest(client);
    }

    // --- answers garbage -------------------------------------------------------------------------------------

    @Test
    void shouldFailAGarbageBodyWithInvalidResponseCountItAsAFailureAndNeverCacheIt() {
        AtomicInteger n = new AtomicInteger();
        upstream.on("/g", req -> switch (n.incrementAndGet()) {
            case 1 -> json("<html>not json</html>");
            case 2 -> json("{\"good\":true}");
            default -> json("{\"truncated\":");
        });
        ResilientUpstreamClient client =
                client(withBreaker(with(users(), new CacheDefinition(Duration.ZERO, Duration.ofMinutes(5), 100))));

        StepVerifier.create(Flux.range(0, 3)
                        .concatMap(i -> client.exchange(get("/g"), budget(LONG, LONG))
                                .map(r -> r.source().wireName() + " " + body(r))
                                .onErrorResume(e -> Mono.just(type(e).wireName() + ": " + e.getMessage()))))
                .expectNext("invalid-response: users answered a body that is not JSON") // nothing good to serve yet
                .expectNext("network {\"good\":true}")
                .expectNext("stale {\"good\":true}") // the truncated body replaced nothing
                .expectComplete()
                .verify(VERIFY);

        assertThat(failedCalls(client)).isEqualTo(2);
        assertThat(client.status().errorRate()).isCloseTo(2 / 3.0, org.assertj.core.data.Offset.offset(0.001));
        assertAtRest(client);
    }

    @Test
    void shouldFailAnUpstreamThatDoesNotSpeakHttpWithoutHangingAndCountAFailure() {
        DisposableServer notHttp = TcpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle((in, out) -> out.sendString(Mono.just("SSH-2.0-OpenSSH_9.6\r\n\u0000\u0001garbage\r\n\r\n"))
                        .then(in.receive().then()))
                .bindNow();
        try {
            ResilientUpstreamClient client = client(with(
                    Upstreams.at("http://127.0.0.1:" + notHttp.port()),
                    Upstreams.breaker(100, Duration.ofSeconds(10))));

            StepVerifier.create(client.exchange(get("/x"), budget(Duration.ofSeconds(5), LONG)))
                    .expectErrorSatisfies(e -> {
                        assertThat(type(e)).isEqualTo(ErrorType.INVALID_RESPONSE);
                        assertThat(e.getMessage()).isEqualTo("users answered something that is not HTTP");
                    })
                    .verify(VERIFY);

            assertThat(failedCalls(client)).isEqualTo(1);
            assertAtRest(client);
        } finally {
            notHttp.disposeNow();
        }
    }
}
