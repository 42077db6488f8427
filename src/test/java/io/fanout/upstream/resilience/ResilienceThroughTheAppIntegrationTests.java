package io.fanout.upstream.resilience;

import static io.fanout.testsupport.FakeUpstream.json;
import static io.fanout.testsupport.FakeUpstream.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FanoutIntegrationTests;
import io.fanout.testsupport.Prometheus;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;

/**
 * The resilience layer as a client of Fanout sees it (SPEC §2, §4, §6): {@code meta.calls.X.source} and truthful
 * {@code attempts}, overload answers as 503 problems with {@code Retry-After}, the per-upstream meters on
 * {@code /actuator/prometheus} and {@code GET /admin/upstreams/{name}/status}. Each test uses its own upstream name,
 * so meters and policy state never carry over from another test.
 */
class ResilienceThroughTheAppIntegrationTests extends FanoutIntegrationTests {

    @Test
    void shouldReportRetriedAttemptsAndCacheAndStaleSourcesInMeta() {
        install("""
                upstreams:
                  rs-meta:
                    url: "${A}"
                    retry: { attempts: 3, backoff: 5ms, on: [503] }
                    cache: { ttl: 1m, stale-if-error: 5m }
                endpoints:
                  rs-meta:
                    path: /rs-meta/{id}
                    calls:
                      x: { upstream: rs-meta, path: "/x/{path.id}" }
                """);
        AtomicInteger n = new AtomicInteger();
        A.on("/x/1", req -> n.incrementAndGet() == 1 ? status(503, "{}") : json("{\"id\":1}"));

        client.get()
                .uri("/rs-meta/1")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.data.x.id")
                .isEqualTo(1)
                .jsonPath("$.meta.calls.x.attempts")
                .isEqualTo(2)
                .jsonPath("$.meta.calls.x.source")
                .isEqualTo("network");
        client.get()
                .uri("/rs-meta/1")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.meta.calls.x.attempts")
                .isEqualTo(0)
                .jsonPath("$.meta.calls.x.source")
                .isEqualTo("cache");

        assertThat(A.seen("/x/1")).hasSize(2);
    }

    @Test
    void shouldServeTheLastGoodAnswerAsStaleWhenTheUpstreamFails() {
        install("""
                upstreams:
                  rs-stale:
                    url: "${A}"
                    cache: { stale-if-error: 5m }
                endpoints:
                  rs-stale:
                    path: /rs-stale
                    calls:
                      x: { upstream: rs-stale, path: /s }
                """);
        AtomicInteger n = new AtomicInteger();
        A.on("/s", req -> n.incrementAndGet() == 1 ? json("{\"v\":\"good\"}") : json("<html>down</html>"));

        client.get().uri("/rs-stale").exchange().expectStatus().isOk();
        client.get()
                .uri("/rs-stale")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .doesNotExist("Fanout-Partial")
                .expectBody()
                .jsonPath("$.data.x.v")
                .isEqualTo("good")
                .jsonPath("$.meta.calls.x.source")
                .isEqualTo("stale")
                .jsonPath("$.meta.calls.x.attempts")
                .isEqualTo(1);
    }

    @Test
    void shouldAnswer503WithRetryAfterOnceTheCircuitIsOpenWithoutCallingTheUpstream() {
        install("""
                upstreams:
                  rs-breaker:
                    url: "${A}"
                    circuit-breaker: { min-calls: 2, failure-rate: 50%, window: 10s, open-for: 30s }
                endpoints:
                  rs-breaker:
                    path: /rs-breaker
                    calls:
                      x: { upstream: rs-breaker, path: /b }
                """);
        A.on("/b", status(500, "{}"));

        client.get().uri("/rs-breaker").exchange().expectStatus().isEqualTo(502);
        client.get().uri("/rs-breaker").exchange().expectStatus().isEqualTo(502);
        client.get()
                .uri("/rs-breaker")
                .exchange()
                .expectStatus()
                .isEqualTo(503)
                .expectHeader()
                .valueMatches("Retry-After", "\\d+")
                .expectBody()
                .jsonPath("$.errors[0].type")
                .isEqualTo("circuit-open");

        assertThat(A.seen("/b")).hasSize(2);
        client.get()
                .uri("/admin/upstreams/rs-breaker/status")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.circuitState")
                .isEqualTo("open")
                .jsonPath("$.circuitFailureRate")
                .isEqualTo(1.0)
                .jsonPath("$.errorRate")
                .isEqualTo(1.0);
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenTheBulkheadIsFullAndShowItOnTheStatusPage() {
        install("""
                upstreams:
                  rs-bulkhead:
                    url: "${A}"
                    bulkhead: { max-concurrent: 1, max-wait: 0ms }
                    rate-limit: { rate: 100/s, burst: 10 }
                endpoints:
                  rs-bulkhead:
                    path: /rs-bulkhead/{what}
                    calls:
                      x: { upstream: rs-bulkhead, path: "/{path.what}" }
                """);
        A.on("/slow", json("{}").withDelay(Duration.ofSeconds(30)));
        A.on("/fast", json("{}"));
        Disposable holder = HttpClient.create()
                .get()
                .uri("http://127.0.0.1:" + port + "/rs-bulkhead/slow")
                .response()
                .subscribe();
        try {
            Eventually.await(
                    Duration.ofSeconds(5), "the slow call at the upstream", () -> A.inFlight() == 1, A::inFlight);

            client.get()
                    .uri("/rs-bulkhead/fast")
                    .exchange()
                    .expectStatus()
                    .isEqualTo(503)
                    .expectHeader()
                    .valueEquals("Retry-After", "1")
                    .expectBody()
                    .jsonPath("$.errors[0].type")
                    .isEqualTo("bulkhead-full");
            client.get()
                    .uri("/admin/upstreams/rs-bulkhead/status")
                    .header("Authorization", "Bearer " + ADMIN_TOKEN)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.bulkheadInUse")
                    .isEqualTo(1)
                    .jsonPath("$.bulkheadWaiting")
                    .isEqualTo(0)
                    .jsonPath("$.bulkheadMax")
                    .isEqualTo(1)
                    .jsonPath("$.rateLimiterWaiting")
                    .isEqualTo(0)
                    .jsonPath("$.rateLimiterAvailable")
                    .isNumber()
                    .jsonPath("$.circuitState")
                    .doesNotExist();
        } finally {
            holder.dispose();
        }

        Eventually.await(
                Duration.ofSeconds(5),
                "the client's disconnect to reach the upstream",
                () -> A.inFlight() == 0,
                A::inFlight);
        client.get()
                .uri("/admin/upstreams/rs-bulkhead/status")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectBody()
                .jsonPath("$.bulkheadInUse")
                .isEqualTo(0);
        assertThat(A.seen("/fast")).isEmpty();
    }

    @Test
    void shouldExposeThePerUpstreamMetersOnPrometheus() {
        install("""
                upstreams:
                  rs-metrics:
                    url: "${A}"
                    bulkhead: { max-concurrent: 4 }
                    rate-limit: { rate: 100/s }
                    retry: { attempts: 2, backoff: 5ms, on: [503] }
                    circuit-breaker: { min-calls: 50 }
                    coalesce: true
                endpoints:
                  rs-metrics:
                    path: /rs-metrics
                    calls:
                      x: { upstream: rs-metrics, path: /m }
                """);
        AtomicInteger n = new AtomicInteger();
        A.on("/m", req -> n.incrementAndGet() == 1 ? status(503, "{}") : json("{}"));

        client.get().uri("/rs-metrics").exchange().expectStatus().isOk();
        String scrape = scrape();

        assertThat(sample(scrape, "fanout_upstream_calls_total", "outcome=\"success\"", "source=\"network\""))
                .isEqualTo(1);
        assertThat(sample(scrape, "fanout_upstream_attempts_total")).isEqualTo(2);
        assertThat(sample(scrape, "fanout_upstream_retries_total")).isEqualTo(1);
        assertThat(sample(scrape, "fanout_upstream_bulkhead_in_use")).isZero();
        assertThat(sample(scrape, "fanout_upstream_bulkhead_waiting")).isZero();
        assertThat(sample(scrape, "fanout_upstream_bulkhead_max")).isEqualTo(4);
        assertThat(sample(scrape, "fanout_upstream_ratelimiter_waiting")).isZero();
        assertThat(sample(scrape, "fanout_upstream_circuit_state", "state=\"closed\""))
                .isEqualTo(1);
        assertThat(sample(scrape, "fanout_upstream_circuit_state", "state=\"open\""))
                .isZero();
        assertThat(sample(scrape, "fanout_upstream_coalesced_total")).isZero();
    }

    /** The value of the first sample of {@code metric} for upstream rs-metrics with all {@code labels}, or -1. */
    private static double sample(String scrape, String metric, String... labels) {
        String[] all = java.util.Arrays.copyOf(labels, labels.length + 1);
        all[labels.length] = "upstream=\"rs-metrics\"";
        return Prometheus.sample(scrape, metric, all);
    }
}
