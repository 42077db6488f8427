package io.fanout.engine;

import static io.fanout.testsupport.FakeUpstream.json;
import static io.fanout.testsupport.FakeUpstream.mode;
import static io.fanout.testsupport.FakeUpstream.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FakeUpstream.Mode;
import io.fanout.testsupport.FanoutIntegrationTests;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SPEC §2: fail-fast and a client that goes away cancel every call in flight, as the upstreams see it. */
class CancellationIntegrationTests extends FanoutIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    private static final String SLOW_ENDPOINT = """
            upstreams:
              a: { url: "${A}", timeout: 90s }
              b: { url: "${B}", timeout: 90s }
              c: { url: "${C}", timeout: 90s }
            endpoints:
              slow:
                path: /slow
                deadline: 120s
                calls:
                  one: { upstream: a, path: /one }
                  two: { upstream: b, path: /two }
                  three: { upstream: c, path: /three, required: false }
            """;

    @Test
    void shouldCancelSlowCallsWhenARequiredCallFailsUnderFailFast() {
        install("""
                upstreams:
                  a: { url: "${A}" }
                  b: { url: "${B}", timeout: 60s }
                  c: { url: "${C}", timeout: 60s }
                endpoints:
                  ff:
                    path: /ff
                    on-failure: fail-fast
                    deadline: 90s
                    calls:
                      fast: { upstream: a, path: /fast }
                      slow1: { upstream: b, path: /slow1, required: false }
                      slow2: { upstream: c, path: /slow2 }
                """);
        // the failure comes after the slow calls have surely reached their upstreams
        A.on("/fast", status(500, "{}").withDelay(Duration.ofMillis(300)));
        B.on("/slow1", json("{}").withDelay(Duration.ofSeconds(30)));
        C.on("/slow2", json("{}").withDelay(Duration.ofSeconds(30)));

        long start = System.nanoTime();
        byte[] body = client.get()
                .uri("/ff")
                .exchange()
                .expectStatus()
                .isEqualTo(502)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .returnResult()
                .getResponseBody();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(elapsedMs)
                .as("answered at the failure, not after the 5s calls")
                .isLessThan(2500);
        JsonNode problem = JSON.readTree(body);
        assertThat(typeOf(problem, "fast")).isEqualTo("upstream-status");
        assertThat(typeOf(problem, "slow1")).isEqualTo("cancelled");
        assertThat(typeOf(problem, "slow2")).isEqualTo("cancelled");
        Eventually.await(
                PATIENCE,
                "both slow calls cancelled at their upstreams",
                () -> B.cancelled().contains("/slow1") && C.cancelled().contains("/slow2"),
                () -> "B cancelled " + B.cancelled() + ", C cancelled " + C.cancelled());
        assertThat(B.completed()).isEmpty();
        assertThat(C.completed()).isEmpty();
    }

    @Test
    void shouldLetOtherCallsFinishWhenAnOptionalCallFailsUnderFailFast() {
        install("""
                upstreams:
                  a: { url: "${A}" }
                  b: { url: "${B}" }
                endpoints:
                  ff:
                    path: /ff
                    on-failure: fail-fast
                    calls:
                      flaky: { upstream: a, path: /flaky, required: false }
                      slow: { upstream: b, path: /slow }
                """);
        A.on("/flaky", status(500, "{}"));
        B.on("/slow", json("{\"done\":true}").withDelay(Duration.ofMillis(400)));

        client.get()
                .uri("/ff")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.data.slow.done")
                .isEqualTo(true)
                .jsonPath("$.errors[0].type")
                .isEqualTo("upstream-status");

        assertThat(B.cancelled()).isEmpty();
    }

    @Test
    void shouldCancelEveryCallInFlightWhenTheClientDisconnects() {
        install(SLOW_ENDPOINT);
        A.on("/one", json("{}").withDelay(Duration.ofSeconds(60)));
        B.on("/two", json("{}").withDelay(Duration.ofSeconds(60)));
        C.on("/three", mode(Mode.HANG, ""));

        Disposable request = HttpClient.create()
                .baseUrl("http://127.0.0.1:" + port)
                .get()
                .uri("/slow")
                .responseContent()
                .aggregate()
                .asString()
                .subscribe(body -> {}, error -> {});
        Eventually.await(
                PATIENCE,
                "all three calls in flight",
                () -> A.inFlight() == 1 && B.inFlight() == 1 && C.inFlight() == 1,
                () -> "in flight A=" + A.inFlight() + " B=" + B.inFlight() + " C=" + C.inFlight());
        request.dispose();

        Eventually.await(
                PATIENCE,
                "every upstream call cancelled",
                () -> A.cancelled().contains("/one")
                        && B.cancelled().contains("/two")
                        && C.cancelled().contains("/three"),
                () -> "cancelled A=" + A.cancelled() + " B=" + B.cancelled() + " C=" + C.cancelled());
        assertThat(A.completed()).isEmpty();
        assertThat(B.completed()).isEmpty();
    }

    @Test
    void shouldCancelCallsNotYetStartedAndInFlightWhenTheClientTimesOut() {
        install("""
                upstreams:
                  a: { url: "${A}", timeout: 90s }
                  b: { url: "${B}", timeout: 90s }
                endpoints:
                  chain:
                    path: /chain
                    deadline: 120s
                    calls:
                      user: { upstream: a, path: /user }
                      company: { upstream: b, path: "/companies/{user.companyId}" }
                """);
        A.on("/user", json("{\"companyId\":\"1\"}").withDelay(Duration.ofSeconds(60)));
        B.on("*", json("{}"));

        Disposable request = HttpClient.create()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofMillis(500))
                .get()
                .uri("/chain")
                .responseContent()
                .aggregate()
                .asString()
                .subscribe(body -> {}, error -> {});

        Eventually.await(
                PATIENCE,
                "the in-flight call cancelled after the client gave up",
                () -> A.cancelled().contains("/user"),
                () -> "cancelled A=" + A.cancelled());
        request.dispose();
        assertThat(B.seen()).as("the dependent call never started").isEmpty();
    }

    @Test
    void shouldCancelStreamedCallsWhenTheClientDisconnects() {
        install(SLOW_ENDPOINT);
        A.on("/one", json("{\"n\":1}"));
        B.on("/two", json("{}").withDelay(Duration.ofSeconds(60)));
        C.on("/three", json("{}").withDelay(Duration.ofSeconds(60)));

        Disposable request = HttpClient.create()
                .baseUrl("http://127.0.0.1:" + port)
                .headers(h -> h.set("Accept", "application/x-ndjson"))
                .get()
                .uri("/slow")
                .responseContent()
                .asString()
                .subscribe(line -> {}, error -> {});
        Eventually.await(
                PATIENCE,
                "the slow calls in flight",
                () -> A.completed().contains("/one") && B.inFlight() == 1 && C.inFlight() == 1,
                () -> "A completed " + A.completed() + ", in flight B=" + B.inFlight() + " C=" + C.inFlight());
        request.dispose();

        Eventually.await(
                PATIENCE,
                "both slow calls cancelled",
                () -> B.cancelled().contains("/two") && C.cancelled().contains("/three"),
                () -> "cancelled B=" + B.cancelled() + " C=" + C.cancelled());
    }

    private static String typeOf(JsonNode problem, String call) {
        for (JsonNode e : problem.get("errors")) {
            if (e.get("call").asString().equals(call)) {
                return e.get("type").asString();
            }
        }
        return "(no error listed for " + call + " in " + problem + ")";
    }
}
