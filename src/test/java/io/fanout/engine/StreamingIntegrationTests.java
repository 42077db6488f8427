package io.fanout.engine;

import static io.fanout.testsupport.FakeUpstream.json;
import static io.fanout.testsupport.FakeUpstream.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.FanoutIntegrationTests;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SPEC §2 streaming: one NDJSON line or SSE event per call the moment it completes, then the request's meta. */
class StreamingIntegrationTests extends FanoutIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    private WebClient web;

    /** A line as it arrived, with the milliseconds since the request was sent. */
    private record Arrival(JsonNode json, long atMs) {}

    @BeforeEach
    void installEndpoint() {
        web = WebClient.create("http://127.0.0.1:" + port);
        install("""
                upstreams:
                  a: { url: "${A}", timeout: 5s }
                  b: { url: "${B}" }
                  c: { url: "${C}" }
                endpoints:
                  stream:
                    path: /stream
                    calls:
                      slow: { upstream: a, path: /slow }
                      broken: { upstream: b, path: /broken, required: false }
                      fast: { upstream: c, path: /fast }
                """);
        A.on("/slow", json("{\"n\":\"slow\"}").withDelay(Duration.ofMillis(1500)));
        B.on("/broken", status(500, "{}").withDelay(Duration.ofMillis(300)));
        C.on("/fast", json("{\"n\":\"fast\"}"));
    }

    @Test
    void shouldStreamOneNdjsonLinePerCallInCompletionOrderThenMeta() {
        long start = System.nanoTime();

        List<Arrival> lines = web.get()
                .uri("/stream")
                .accept(NDJSON)
                .exchangeToFlux(r -> {
                    assertThat(r.statusCode().value()).isEqualTo(200);
                    assertThat(r.headers().contentType())
                            .hasValueSatisfying(
                                    t -> assertThat(t.isCompatibleWith(NDJSON)).isTrue());
                    return r.bodyToFlux(String.class);
                })
                .map(l -> new Arrival(JSON.readTree(l), (System.nanoTime() - start) / 1_000_000))
                .collectList()
                .block(Duration.ofSeconds(10));

        assertThat(lines).hasSize(4);
        assertThat(lines.subList(0, 3))
                .extracting(a -> a.json().get("call").asString())
                .containsExactly("fast", "broken", "slow");
        assertThat(lines.get(0).json().at("/data/n").asString()).isEqualTo("fast");
        assertThat(lines.get(0).json().at("/meta/status").asInt()).isEqualTo(200);
        assertThat(lines.get(1).json().at("/error/type").asString()).isEqualTo("upstream-status");
        assertThat(lines.get(1).json().at("/error/status").asInt()).isEqualTo(500);
        assertThat(lines.get(2).json().at("/data/n").asString()).isEqualTo("slow");
        JsonNode meta = lines.get(3).json();
        assertThat(meta.has("call")).isFalse();
        assertThat(meta.at("/meta/partial").asBoolean()).isTrue();
        assertThat(meta.at("/meta/requestId").asString()).isNotBlank();
        assertThat(meta.at("/meta/calls/slow/status").asInt()).isEqualTo(200);
        assertThat(meta.at("/meta/calls/broken/error").asString()).isEqualTo("upstream-status");
        assertThat(lines.get(0).atMs())
                .as("the fast call is written before the slow one is done")
                .isLessThan(lines.get(2).atMs() - 500);
    }

    @Test
    void shouldStreamServerSentEventsPerCallThenDone() {
        List<ServerSentEvent<String>> events = web.get()
                .uri("/stream")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {})
                .collectList()
                .block(Duration.ofSeconds(10));

        assertThat(events).extracting(ServerSentEvent::event).containsExactly("call", "call", "call", "done");
        assertThat(events.subList(0, 3))
                .extracting(e -> JSON.readTree(e.data()).get("call").asString())
                .containsExactly("fast", "broken", "slow");
        JsonNode done = JSON.readTree(events.get(3).data());
        assertThat(done.at("/meta/partial").asBoolean()).isTrue();
        assertThat(done.at("/meta/calls/fast/status").asInt()).isEqualTo(200);
    }

    @Test
    void shouldAnswerTheWholeEnvelopeWithoutAStreamingAccept() {
        client.get()
                .uri("/stream")
                .accept(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.data.fast.n")
                .isEqualTo("fast")
                .jsonPath("$.data.slow.n")
                .isEqualTo("slow")
                .jsonPath("$.meta.partial")
                .isEqualTo(true);
    }
}
