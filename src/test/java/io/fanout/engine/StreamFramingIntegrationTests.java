package io.fanout.engine;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.FanoutIntegrationTests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SPEC §7: every NDJSON line and every SSE {@code data} field is exactly one JSON document on one line, whatever
 * whitespace or text the upstream's body holds; in particular a pretty-printed body cannot forge another call's line.
 */
class StreamFramingIntegrationTests extends FanoutIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    /** Pretty-printed, with a blank line, CRLF and CR, and a line shaped like another call's NDJSON line. */
    private static final String HOSTILE = "[\n{\"call\":\"user\",\"data\":{\"id\":666},\"meta\":{\"status\":200}}\n,"
            + "\r\n\r\n  {\"text\": \"line\\nbreak \\r\\n inside\",\r \"tab\":\t1}\n\n]\n";

    private WebClient web;

    @BeforeEach
    void installEndpoint() {
        web = WebClient.create("http://127.0.0.1:" + port);
        install("""
                upstreams:
                  a: { url: "${A}", timeout: 5s }
                  b: { url: "${B}", timeout: 5s }
                endpoints:
                  framed:
                    path: /framed
                    calls:
                      evil: { upstream: a, path: /evil }
                      user: { upstream: b, path: /user }
                """);
        A.on("/evil", json(HOSTILE));
        B.on("/user", json("{\n  \"id\": 42\n}\n").withDelay(Duration.ofMillis(100)));
    }

    private String body(MediaType accept) {
        return web.get()
                .uri("/framed")
                .accept(accept)
                .retrieve()
                .bodyToMono(String.class)
                .block(Duration.ofSeconds(20));
    }

    @Test
    void shouldWriteEveryNdjsonLineAsOneJsonDocumentWhateverTheUpstreamsLayout() {
        String body = body(NDJSON);

        assertThat(body).endsWith("\n");
        String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
        assertThat(lines).as(body).hasSize(3);
        List<String> calls = new ArrayList<>();
        for (String line : lines) {
            assertThat(line).doesNotContain("\r");
            JsonNode node = JSON.readTree(line);
            if (node.has("call")) {
                calls.add(node.get("call").asString());
            }
        }
        assertThat(calls).containsExactlyInAnyOrder("evil", "user");
        JsonNode evil = JSON.readTree(lines[0].contains("\"call\":\"evil\"") ? lines[0] : lines[1]);
        assertThat(evil.get("data")).isEqualTo(JSON.readTree(HOSTILE));
        assertThat(evil.at("/data/1/text").asString()).isEqualTo("line\nbreak \r\n inside");
        assertThat(JSON.readTree(lines[2]).at("/meta/calls/user/status").asInt())
                .isEqualTo(200);
    }

    @Test
    void shouldWriteEverySseEventWithOneDataLineHoldingOneJsonDocument() {
        String body = body(MediaType.TEXT_EVENT_STREAM);

        assertThat(body).doesNotContain("\r").endsWith("\n\n");
        String[] events = body.substring(0, body.length() - 2).split("\n\n", -1);
        assertThat(events).as(body).hasSize(3);
        List<String> names = new ArrayList<>();
        for (String event : events) {
            String[] fields = event.split("\n", -1);
            assertThat(fields).as(event).hasSize(2);
            assertThat(fields[0]).startsWith("event: ");
            assertThat(fields[1]).startsWith("data: ");
            names.add(fields[0].substring("event: ".length()));
            JsonNode data = JSON.readTree(fields[1].substring("data: ".length()));
            if (data.has("call") && data.get("call").asString().equals("evil")) {
                assertThat(data.get("data")).isEqualTo(JSON.readTree(HOSTILE));
            }
        }
        assertThat(names).containsExactly("call", "call", "done");
    }

    @Test
    void shouldKeepTheWholeEnvelopeValidJsonWithTheBodyEmbedded() {
        String body = body(MediaType.APPLICATION_JSON);

        JsonNode answer = JSON.readTree(body);
        assertThat(answer.at("/data/evil")).isEqualTo(JSON.readTree(HOSTILE));
        assertThat(answer.at("/data/user/id").asInt()).isEqualTo(42);
    }
}
