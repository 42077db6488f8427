package io.fanout.engine;

import static io.fanout.testsupport.FakeUpstream.status;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.fanout.testsupport.FanoutIntegrationTests;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hardening #7 (SPEC §7 last bullet): a {@code Retry-After} that is absurd or later than the deadline means no
 * retry, never an error of Fanout's own: the call keeps its upstream's verdict, one attempt, no ERROR logged.
 */
class RetryAfterIntegrationTests extends FanoutIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "9223372036854775807",
                "99999999999999999999999",
                "999999999999",
                "3600",
                "Fri, 31 Dec 9999 23:59:59 GMT"
            })
    void shouldNotRetryOnAnAbsurdOrTooLateRetryAfterAndKeepTheUpstreamsStatus(String retryAfter) {
        install("""
                upstreams:
                  a: { url: "${A}", timeout: 1s, retry: { attempts: 3, backoff: 1ms, on: [503] } }
                endpoints:
                  later:
                    path: /later
                    deadline: 2s
                    calls:
                      busy: { upstream: a, path: /busy, required: false }
                """);
        A.on("/busy", status(503, "{}").withHeader("Retry-After", retryAfter));
        JsonNode answer;

        try (LogCapture logs = new LogCapture()) {
            answer = JSON.readTree(client.get()
                    .uri("/later")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .returnResult()
                    .getResponseBody());

            assertThat(logs.events("io.fanout")).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR));
        }
        assertThat(answer.at("/errors/0/type").asString()).as(answer.toString()).isEqualTo("upstream-status");
        assertThat(answer.at("/errors/0/status").asInt()).isEqualTo(503);
        assertThat(answer.at("/meta/calls/busy/attempts").asInt()).isEqualTo(1);
        assertThat(A.seen("/busy")).hasSize(1);
    }
}
