package io.fanout.jobs;

import static io.fanout.testsupport.FakeUpstream.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.json.JsonCodec;
import io.fanout.observe.SpanCapture;
import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.Prometheus;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The Grafana dashboard cannot rot: after a representative run (ok, partial and failed requests through retries,
 * a hedge, a breaker, a bulkhead and a rate limit, and a batch job), every metric name a query of
 * {@code deploy/observability/grafana/dashboards/fanout.json} uses exists on {@code /actuator/prometheus}. Also:
 * job items are traced (a root span per item with its attempts as children), and the overhead metric is recorded.
 */
@AutoConfigureTracing
@Import(SpanCapture.class)
@TestPropertySource(properties = "management.tracing.sampling.probability=1.0")
class DashboardMetricsIntegrationTests extends JobsTestBase {

    private static final Path DASHBOARD = Path.of("deploy/observability/grafana/dashboards/fanout.json");
    private static final Pattern METRIC = Pattern.compile("\\bfanout_[a-z0-9_]+");

    private static final String MIXED = """
            upstreams:
              users: { url: "${U}", timeout: 2s,
                       bulkhead: { max-concurrent: 20, max-wait: 50ms },
                       rate-limit: { rate: 1000/s, burst: 200, max-wait: 0ms },
                       hedge: { after: 500ms, budget: 100% } }
              flaky: { url: "${U}", timeout: 2s,
                       circuit-breaker: { min-calls: 5 },
                       retry: { attempts: 2, backoff: 5ms, on: [503], budget: 100% } }
            endpoints:
              user:
                path: /v1/users/{id}
                deadline: 5s
                calls:
                  user: { upstream: users, path: "/users/{path.id}", query: { limit: "{query.limit|10}" } }
              mixed:
                path: /v1/mixed/{id}
                calls:
                  user: { upstream: users, path: "/users/{path.id}" }
                  broken: { upstream: flaky, path: "/broken", required: false }
              failing:
                path: /v1/failing
                calls:
                  broken: { upstream: flaky, path: "/broken" }
            """;

    /** Every {@code fanout_*} metric name the dashboard's queries use. */
    static Set<String> dashboardMetrics() throws IOException {
        JsonNode dashboard = JsonCodec.readTree(Files.readAllBytes(DASHBOARD));
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher m = METRIC.matcher(target.get("expr").asString());
                while (m.find()) {
                    names.add(m.group());
                }
            }
        }
        for (JsonNode variable : dashboard.at("/templating/list")) {
            Matcher m = METRIC.matcher(variable.get("definition").asString());
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    private static List<String> missing(String scrape, Set<String> names) {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (!Pattern.compile("(?m)^" + name + "[{ ]").matcher(scrape).find()) {
                out.add(name);
            }
        }
        return out;
    }

    private String scrape() {
        return client.get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }

    @Test
    void shouldExposeEveryMetricTheDashboardQueriesAfterARepresentativeRun() throws IOException {
        install(MIXED);
        usersAnswer(Duration.ZERO);
        USERS.on("/broken", status(503, "{\"error\":\"down\"}"));
        Set<String> names = dashboardMetrics();
        SpanCapture.SPANS.clear();

        for (int i = 0; i < 5; i++) {
            client.get().uri("/v1/users/" + i).exchange().expectStatus().isOk();
            client.get().uri("/v1/mixed/" + i).exchange().expectStatus().isOk();
            client.get().uri("/v1/failing").exchange().expectStatus().is5xxServerError();
        }
        long job = submitIds(6, 3);
        awaitState(job, "completed");
        String[] last = new String[1];
        Eventually.await(
                WAIT,
                "every dashboard metric on /actuator/prometheus",
                () -> missing(last[0] = scrape(), names).isEmpty(),
                () -> missing(last[0], names));

        assertThat(names).as("the dashboard queries Fanout's metrics").hasSizeGreaterThan(20);
        String scrape = last[0];
        assertThat(Prometheus.sample(scrape, "fanout_request_overhead_seconds_count", "endpoint=\"mixed\""))
                .isEqualTo(5);
        assertThat(Prometheus.sample(scrape, "fanout_request_overhead_seconds_sum", "endpoint=\"mixed\""))
                .isLessThan(Prometheus.sample(scrape, "fanout_requests_seconds_sum", "endpoint=\"mixed\""));
        List<SpanData> items = SpanCapture.SPANS.stream()
                .filter(s -> s.getName().equals("job item user"))
                .toList();
        assertThat(items)
                .as("one root span per job item")
                .hasSize(6)
                .allSatisfy(s -> assertThat(s.getParentSpanContext().isValid()).isFalse());
        assertThat(items)
                .allSatisfy(item -> assertThat(SpanCapture.ofTrace(item.getTraceId()))
                        .filteredOn(s -> s.getKind() == SpanKind.CLIENT)
                        .singleElement()
                        .satisfies(attempt -> {
                            assertThat(attempt.getParentSpanId()).isEqualTo(item.getSpanId());
                            assertThat(attempt.getAttributes().get(AttributeKey.stringKey("fanout.upstream")))
                                    .isEqualTo("users");
                        }));
    }
}
