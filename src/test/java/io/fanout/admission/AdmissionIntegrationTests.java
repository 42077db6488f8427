package io.fanout.admission;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FanoutIntegrationTests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * A fixed admission limit over real HTTP with a loopback upstream (SPEC §11): overlap at the upstream never exceeds
 * the limit, the requests over it are answered at once with well-formed 503 problems and {@code Retry-After}
 * (never calling the upstream), streams hold a place until they end or the client goes away, and Fanout's own
 * APIs are not subject to the limit.
 */
@TestPropertySource(properties = "fanout.server.max-in-flight=3")
class AdmissionIntegrationTests extends FanoutIntegrationTests {

    private static final Duration SLOW = Duration.ofSeconds(4);

    @Autowired
    private Admission admission;

    @Autowired
    private AdmissionConfiguration.GateCustomizer gate;

    record Answer(int status, String contentType, String retryAfter, String requestId, String body, long millis) {}

    /** One upstream and one open endpoint; tests may add endpoints after it and sections before it. */
    private static final String CONFIG = """
            upstreams:
              adm:
                url: "${A}"
                timeout: 30s
            endpoints:
              adm:
                path: /adm/{what}
                deadline: 60s
                calls:
                  x: { upstream: adm, path: "/{path.what}" }
            """;

    @BeforeEach
    void config() {
        install(CONFIG);
        A.on("/slow", json("{\"ok\": true}").withDelay(SLOW));
        A.on("/hang", json("{}").withDelay(Duration.ofSeconds(60)));
        A.on("/fast", json("{\"ok\": true}"));
        Eventually.await(
                Duration.ofSeconds(10),
                "no request of an earlier test in flight",
                () -> admission.limit().inFlight() == 0,
                () -> admission.limit().inFlight());
    }

    @Test
    void shouldNeverLetMoreThanTheLimitReachTheUpstreamAndRefuseTheRestAtOnce() {
        List<Answer> answers = Flux.range(0, 12)
                .flatMap(i -> get("/adm/slow", "burst-" + i), 12)
                .collectList()
                .block(Duration.ofSeconds(90));

        List<Answer> admitted = answers.stream().filter(a -> a.status() == 200).toList();
        List<Answer> refused = answers.stream().filter(a -> a.status() == 503).toList();
        assertThat(admitted.size() + refused.size())
                .as("every answer is 200 or 503: %s", answers)
                .isEqualTo(12);
        assertThat(A.maxInFlight()).as("overlap at the upstream").isBetween(1, 3);
        assertThat(A.seen("/slow"))
                .as("only admitted requests reach the upstream")
                .hasSize(admitted.size());
        assertThat(refused).as("12 at once against a limit of 3").isNotEmpty();
        refused.forEach(AdmissionIntegrationTests::assertWellFormedRefusal);
        assertThat(refused)
                .allSatisfy(r -> assertThat(r.millis())
                        .as("refused without waiting for the upstream")
                        .isLessThan(SLOW.toMillis()));
    }

    @Test
    void shouldRefuseWhileTheLimitIsHeldAndServeOwnApisAndAdmitAgainAfterwards() {
        List<Disposable> held = holdTheLimit("held-");
        try {

            long atTheGate = gate.refusals();
            for (int i = 0; i < 4; i++) {
                Answer refused = get("/adm/fast", "over-" + i).block(Duration.ofSeconds(30));
                assertWellFormedRefusal(refused);
                assertThat(refused.requestId()).isEqualTo("over-" + i);
            }
            assertThat(gate.refusals() - atTheGate)
                    .as("bodiless requests on idle connections are refused in the Netty pipeline, before WebFlux")
                    .isEqualTo(4);
            assertThat(A.seen("/fast"))
                    .as("no upstream call for a refused request")
                    .isEmpty();
            client.get().uri("/actuator/health").exchange().expectStatus().isOk();
            client.get()
                    .uri("/admin/config")
                    .header("Authorization", "Bearer " + ADMIN_TOKEN)
                    .exchange()
                    .expectStatus()
                    .isOk();
            client.get().uri("/no-such-endpoint").exchange().expectStatus().isNotFound();
            String scrape = scrape();
            assertThat(sample(scrape, "fanout_admission_limit", "kind=\"fixed\""))
                    .isEqualTo(3);
            assertThat(sample(scrape, "fanout_admission_in_flight")).isEqualTo(3);
            assertThat(sample(scrape, "fanout_admission_refused_total")).isGreaterThanOrEqualTo(4);
        } finally {
            held.forEach(Disposable::dispose);
        }

        Eventually.await(
                Duration.ofSeconds(15),
                "the cancelled requests to give their places back",
                () -> admission.limit().inFlight() == 0,
                () -> admission.limit().inFlight());
        assertThat(get("/adm/fast", "after").block(Duration.ofSeconds(30)).status())
                .isEqualTo(200);
        assertThat(sample(scrape(), "fanout_admission_in_flight")).isZero();
    }

    @Test
    void shouldCheckAClientsQuotaBeforeAdmissionSoAnOverQuotaClientGets429EvenWhenOverloaded() throws Exception {
        String key = "adm-key";
        String digest = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        install("""
                clients:
                  api-keys:
                    header: X-Api-Key
                    keys:
                      adm: { sha256: %s, plan: tiny }
                  plans:
                    default: { rate: 10/s, burst: 10 }
                    tiny: { rate: 1/s, burst: 1 }
                """.formatted(digest) + CONFIG + """
                  guarded:
                    path: /guarded/{what}
                    deadline: 60s
                    auth: required
                    calls:
                      x: { upstream: adm, path: "/{path.what}" }
                """);
        List<Disposable> held = holdTheLimit("quota-held-");
        try {
            long atTheGate = gate.refusals();

            // within its quota: the client passes the edge, then meets admission in the route (not the gate)
            Answer first = guarded(key, "quota-1");
            assertWellFormedRefusal(first);
            assertThat(gate.refusals())
                    .as("an endpoint with auth is left to the route")
                    .isEqualTo(atTheGate);
            // over its quota: 429 from the edge, never 503, although the instance is full
            Answer second = guarded(key, "quota-2");
            assertThat(second.status()).as(second.body()).isEqualTo(429);
            assertThat(second.retryAfter()).isNotBlank();
            // an endpoint without auth is still refused at the gate
            assertWellFormedRefusal(get("/adm/fast", "quota-open").block(Duration.ofSeconds(30)));
            assertThat(gate.refusals()).isEqualTo(atTheGate + 1);
            assertThat(A.seen("/fast")).as("no upstream call for any of them").isEmpty();
        } finally {
            held.forEach(Disposable::dispose);
        }
    }

    /** Fills the limit of 3 with requests that hang at the upstream; dispose them to give the places back. */
    private List<Disposable> holdTheLimit(String requestIdPrefix) {
        List<Disposable> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(get("/adm/hang", requestIdPrefix + i).subscribe());
        }
        Eventually.await(
                Duration.ofSeconds(15), "3 requests held at the upstream", () -> A.inFlight() == 3, A::inFlight);
        return held;
    }

    private Answer guarded(String key, String requestId) {
        return get("/guarded/fast", requestId, key).block(Duration.ofSeconds(30));
    }

    @Test
    void shouldCountAStreamUntilItsLastLine() {
        List<Disposable> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                streams.add(HttpClient.create()
                        .headers(h -> h.set("Accept", "application/x-ndjson"))
                        .get()
                        .uri("http://127.0.0.1:" + port + "/adm/hang")
                        .responseContent()
                        .subscribe());
            }
            Eventually.await(Duration.ofSeconds(15), "3 streams open", () -> A.inFlight() == 3, A::inFlight);

            assertWellFormedRefusal(get("/adm/fast", "stream-over").block(Duration.ofSeconds(30)));
        } finally {
            streams.forEach(Disposable::dispose);
        }
        Eventually.await(
                Duration.ofSeconds(15),
                "closed streams to give their places back",
                () -> admission.limit().inFlight() == 0,
                () -> admission.limit().inFlight());

        assertThat(get("/adm/fast", "stream-after")
                        .block(Duration.ofSeconds(30))
                        .status())
                .isEqualTo(200);
    }

    private static void assertWellFormedRefusal(Answer a) {
        assertThat(a.status()).isEqualTo(503);
        assertThat(a.contentType()).isEqualTo("application/problem+json");
        assertThat(a.retryAfter()).isEqualTo("1");
        assertThat(a.requestId()).isNotBlank();
        assertThat(a.body())
                .contains("\"status\":503")
                .contains("fanout.server.max-in-flight")
                .contains("\"requestId\":\"" + a.requestId() + "\"");
    }

    private Mono<Answer> get(String path, String requestId) {
        return get(path, requestId, null);
    }

    private Mono<Answer> get(String path, String requestId, String apiKey) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return HttpClient.create()
                    .headers(h -> {
                        h.set("X-Request-Id", requestId);
                        if (apiKey != null) {
                            h.set("X-Api-Key", apiKey);
                        }
                    })
                    .get()
                    .uri("http://127.0.0.1:" + port + path)
                    .responseSingle((response, body) -> body.asString()
                            .defaultIfEmpty("")
                            .map(text -> new Answer(
                                    response.status().code(),
                                    response.responseHeaders().get("Content-Type"),
                                    response.responseHeaders().get("Retry-After"),
                                    response.responseHeaders().get("X-Request-Id"),
                                    text,
                                    (System.nanoTime() - start) / 1_000_000)));
        });
    }

    /** A sample's value (labelled or not) from a scrape; -1 when absent. */
    static double sample(String scrape, String metric, String... labels) {
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(metric + "{") && !line.startsWith(metric + " ")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }
}
