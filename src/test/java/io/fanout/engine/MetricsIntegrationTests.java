package io.fanout.engine;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.FanoutIntegrationTests;
import io.fanout.testsupport.Prometheus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** SPEC §6: request and call timers by endpoint and outcome on /actuator/prometheus. */
class MetricsIntegrationTests extends FanoutIntegrationTests {

    @Test
    void shouldExposeRequestAndCallTimersByOutcome() {
        install("""
                upstreams:
                  a: { url: "${A}" }
                  b: { url: "${B}" }
                endpoints:
                  metrics-ok:
                    path: /metrics-ok
                    calls:
                      one: { upstream: a, path: /one }
                  metrics-patch:
                    path: /metrics-patch
                    method: PATCH
                    calls:
                      one: { upstream: a, path: /one, method: GET }
                  metrics-timeout:
                    path: /metrics-timeout
                    calls:
                      one: { upstream: a, path: /one }
                      slow: { upstream: b, path: /slow, timeout: 100ms, required: false }
                """);
        A.on("/one", json("{}"));
        B.on("/slow", json("{}").withDelay(Duration.ofSeconds(1)));

        client.get().uri("/metrics-ok").exchange().expectStatus().isOk();
        client.patch().uri("/metrics-patch").exchange().expectStatus().isOk();
        client.get()
                .uri("/admin/config")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isOk();
        client.get()
                .uri("/metrics-timeout")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.errors[0].type")
                .isEqualTo("timeout");
        String scrape = scrape();

        assertThat(Prometheus.sample(
                        scrape, "fanout_requests_seconds_count", "endpoint=\"metrics-ok\"", "outcome=\"ok\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(Prometheus.sample(
                        scrape, "fanout_requests_seconds_count", "endpoint=\"metrics-timeout\"", "outcome=\"partial\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(Prometheus.sample(
                        scrape,
                        "fanout_calls_seconds_count",
                        "endpoint=\"metrics-timeout\"",
                        "call=\"slow\"",
                        "upstream=\"b\"",
                        "outcome=\"timeout\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(Prometheus.sample(
                        scrape,
                        "fanout_calls_seconds_count",
                        "endpoint=\"metrics-ok\"",
                        "call=\"one\"",
                        "outcome=\"success\""))
                .isGreaterThanOrEqualTo(1);
        // the generic server timer is kept for Fanout's own APIs, not doubled on composite endpoints (functional
        // routes are all tagged uri="UNKNOWN", so a method no Fanout API uses marks the composite requests)
        assertThat(Prometheus.sample(scrape, "http_server_requests_seconds_count", "uri=\"/admin/config\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(scrape.lines()
                        .filter(l -> l.startsWith("http_server_requests_seconds_count{"))
                        .filter(l -> l.contains("method=\"PATCH\"")))
                .isEmpty();
    }

    @Test
    void shouldReportCircuitStatesInHealth() {
        install("""
                upstreams:
                  a: { url: "${A}", circuit-breaker: { min-calls: 5 } }
                  b: { url: "${B}" }
                endpoints:
                  h:
                    path: /h
                    calls:
                      x: { upstream: a, path: /x }
                """);

        client.get()
                .uri("/actuator/health")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP")
                .jsonPath("$.components.upstreams.details.circuits.a")
                .isEqualTo("closed")
                .jsonPath("$.components.upstreams.details.circuits.b")
                .isEqualTo("no-breaker");
    }
}
