package io.fanout.upstream.blocking;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.examples.InventorySource;
import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FanoutIntegrationTests;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code kind: java} with the example {@link InventorySource}: answers, policies, threads and interruption. */
class JavaUpstreamIntegrationTests extends FanoutIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String CONFIG = """
            upstreams:
              a: { url: "${A}" }
              # 2s: the first call creates the source and Jackson's serializer for its answer, which took over 300ms
              # on a loaded 2-core box
              inventory: { kind: java, class: io.fanout.examples.InventorySource, pool-size: 2, timeout: 2s }
            endpoints:
              product:
                path: /products/{sku}
                deadline: 5s
                forward-headers: [Accept-Language]
                calls:
                  product: { upstream: a, path: "/products/{path.sku}" }
                  stock:
                    upstream: inventory
                    path: "/items/{path.sku}"
                    query: { delay: "{query.delay}" }
                    required: false
            """;

    private JsonNode get(String uri) {
        byte[] body = client.get()
                .uri(uri)
                .header("Accept-Language", "de")
                .exchange()
                .expectBody()
                .returnResult()
                .getResponseBody();
        return JSON.readTree(body);
    }

    @Test
    void shouldAnswerFromTheSourceOnItsOwnThreadsBesideAnHttpCall() {
        install(CONFIG);
        A.on("/products/A-1", json("{\"title\": \"Anvil\"}"));

        JsonNode answer = get("/products/A-1");

        assertThat(answer.at("/errors")).as(answer.toString()).isEmpty();
        assertThat(answer.at("/data/product/title").asString()).isEqualTo("Anvil");
        assertThat(answer.at("/data/stock/item/stock").asInt()).isEqualTo(3);
        assertThat(answer.at("/data/stock/lang").asString()).isEqualTo("de");
        assertThat(answer.at("/data/stock/requestId").asString())
                .isEqualTo(answer.at("/meta/requestId").asString());
        assertThat(InventorySource.THREADS.keySet()).allMatch(t -> t.startsWith("fanout-java-inventory-"));
    }

    @Test
    void shouldPassASourcesNotFoundThroughAsAnUpstreamStatus() {
        install(CONFIG);
        A.on("/products/Z-9", json("{}"));

        JsonNode answer = get("/products/Z-9");

        assertThat(answer.at("/errors/0/type").asString()).isEqualTo("upstream-status");
        assertThat(answer.at("/errors/0/status").asInt()).isEqualTo(404);
    }

    @Test
    void shouldInterruptTheSourceWhenTheCallTimesOut() {
        install(CONFIG);
        A.on("/products/A-1", json("{}"));
        int before = InventorySource.INTERRUPTED.get();

        JsonNode answer = get("/products/A-1?delay=30000");

        assertThat(answer.at("/errors/0/call").asString()).isEqualTo("stock");
        assertThat(answer.at("/errors/0/type").asString()).isEqualTo("timeout");
        Eventually.await(
                Duration.ofSeconds(5),
                "the sleeping source thread was interrupted",
                () -> InventorySource.INTERRUPTED.get() > before,
                () -> InventorySource.INTERRUPTED.get());
    }
}
