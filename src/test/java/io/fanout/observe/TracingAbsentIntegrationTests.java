package io.fanout.observe;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.json.JsonCodec;
import io.fanout.testsupport.FanoutIntegrationTests;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * With {@code management.tracing.export.enabled=false} (what Boot's test support sets in every test context that
 * does not ask for tracing) Fanout's tracing is absent: no {@code meta.traceId}, no {@code traceparent} upstream,
 * even when the client sent one and the endpoint does not forward it.
 */
class TracingAbsentIntegrationTests extends FanoutIntegrationTests {

    @Test
    void shouldNeitherTraceNorPropagateWhenTracingExportIsOff() {
        install("""
                upstreams:
                  a: { url: "${A}", timeout: 5s }
                endpoints:
                  untraced:
                    path: /untraced
                    calls:
                      one: { upstream: a, path: "/one" }
                """);
        A.on("/one", json("{}"));

        byte[] body = client.get()
                .uri("/untraced")
                .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult()
                .getResponseBody();

        JsonNode answer = JsonCodec.readTree(body);
        assertThat(answer.at("/meta/traceId").isMissingNode())
                .as(answer.toString())
                .isTrue();
        assertThat(A.seen("/one")).singleElement().satisfies(s -> {
            assertThat(s.header("traceparent")).isNull();
            assertThat(s.header("tracestate")).isNull();
        });
    }
}
