package io.fanout.engine;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.FanoutIntegrationTests;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hardening #2, one JSON check and one verdict: a 2xx body that cannot be embedded in a UTF-8 answer (a byte order
 * mark, UTF-16) is {@code invalid-response} for the answer, a failure for the circuit breaker, and never cached:
 * the policies and the envelope judge it alike.
 */
class JsonVerdictIntegrationTests extends FanoutIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JsonNode get(String uri) {
        return JSON.readTree(
                client.get().uri(uri).exchange().expectBody().returnResult().getResponseBody());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"bom", "utf16be", "utf16le"})
    void shouldJudgeABodyThatIsNotUtf8JsonInvalidForTheAnswerTheBreakerAndTheCacheAlike(String kind) {
        String body = switch (kind) {
            case "bom" -> "\uFEFF{\"a\":1}";
            // a String of U+0000 and ASCII goes out as exactly the UTF-16 bytes of {"a":1}
            case "utf16be" -> "\u0000{\u0000\"\u0000a\u0000\"\u0000:\u00001\u0000}";
            default -> "{\u0000\"\u0000a\u0000\"\u0000:\u00001\u0000}\u0000";
        };
        install("""
                upstreams:
                  KIND:
                    url: "${A}"
                    cache: { ttl: 1m }
                    circuit-breaker: { failure-rate: 50%, min-calls: 2, window: 20s, open-for: 1m }
                endpoints:
                  verdict:
                    path: /verdict/KIND
                    calls:
                      answer: { upstream: KIND, path: /body/KIND, required: false }
                """.replace("KIND", kind));
        A.on("/body/" + kind, json(body));

        JsonNode first = get("/verdict/" + kind);
        JsonNode second = get("/verdict/" + kind);
        JsonNode third = get("/verdict/" + kind);

        assertThat(first.at("/errors/0/type").asString()).as(first.toString()).isEqualTo("invalid-response");
        assertThat(second.at("/errors/0/type").asString())
                .as("not served from the cache: " + second)
                .isEqualTo("invalid-response");
        assertThat(second.at("/meta/calls/answer/attempts").asInt()).isEqualTo(1);
        assertThat(third.at("/errors/0/type").asString())
                .as("two failures opened the breaker: " + third)
                .isEqualTo("circuit-open");
        assertThat(A.seen("/body/" + kind)).hasSize(2);
    }
}
