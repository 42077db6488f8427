package io.fanout.engine;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.nullValue;

import io.fanout.testsupport.FakeUpstream;
import io.fanout.testsupport.FanoutIntegrationTests;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SPEC §2: calls run as a dependency graph derived from their templates; for-each, select and template sources. */
class DependencyGraphIntegrationTests extends FanoutIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Timeouts far above the delays below (a cold connection on a loaded box can take a second). */
    private static final String UPSTREAMS = """
            upstreams:
              a: { url: "${A}", timeout: 10s }
              b: { url: "${B}", timeout: 10s }
              c: { url: "${C}", timeout: 10s }
            """;

    @Test
    void shouldStartDependentCallOnlyAfterItsDependencyAnsweredAndPassItsValue() {
        install(UPSTREAMS + """
                endpoints:
                  overview:
                    path: /users/{id}
                    deadline: 20s
                    calls:
                      company: { upstream: b, path: "/companies/{user.companyId}" }
                      user: { upstream: a, path: "/users/{path.id}" }
                """);
        A.on("/users/42", json("{\"id\":42,\"companyId\":\"c-7\"}").withDelay(Duration.ofMillis(300)));
        B.on("/companies/c-7", json("{\"name\":\"Acme\"}"));

        client.get()
                .uri("/users/42")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.data.user.companyId")
                .isEqualTo("c-7")
                .jsonPath("$.data.company.name")
                .isEqualTo("Acme")
                .jsonPath("$.meta.partial")
                .isEqualTo(false);

        assertThat(B.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/companies/c-7");
        long gapMs = (B.seen().get(0).startedNanos() - A.seen().get(0).startedNanos()) / 1_000_000;
        assertThat(gapMs).as("company started after user's 300ms answer").isGreaterThanOrEqualTo(280);
        assertThat(A.completed()).containsExactly("/users/42");
    }

    @Test
    void shouldRunIndependentChainsConcurrently() {
        install("""
                upstreams:
                  a: { url: "${A}", timeout: 5s }
                  b: { url: "${B}", timeout: 5s }
                  c: { url: "${C}", timeout: 5s }
                endpoints:
                  chains:
                    path: /chains
                    deadline: 10s
                    calls:
                      user: { upstream: a, path: /user }
                      company: { upstream: b, path: "/company/{user.companyId}" }
                      order: { upstream: c, path: /order }
                      product: { upstream: b, path: "/product/{order.productId}" }
                """);
        // 1s steps: the margins below are a whole step wide, so a loaded box cannot blur parallel into serial
        Duration d = Duration.ofMillis(1000);
        A.on("/user", json("{\"companyId\":\"7\"}").withDelay(d));
        C.on("/order", json("{\"productId\":\"9\"}").withDelay(d));
        B.on("/company/7", json("{\"name\":\"Acme\"}").withDelay(d));
        B.on("/product/9", json("{\"name\":\"Chair\"}").withDelay(d));

        client.get()
                .uri("/chains")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.data.company.name")
                .isEqualTo("Acme")
                .jsonPath("$.data.product.name")
                .isEqualTo("Chair");

        long userStart = A.seen().get(0).startedNanos();
        long orderStart = C.seen().get(0).startedNanos();
        long companyStart = B.seen("/company").get(0).startedNanos();
        long productStart = B.seen("/product").get(0).startedNanos();
        assertThat(Math.abs(userStart - orderStart) / 1_000_000)
                .as("both chains start at once")
                .isLessThan(1000);
        assertThat(Math.abs(companyStart - productStart) / 1_000_000)
                .as("second steps overlap")
                .isLessThan(1000);
    }

    @Test
    void shouldWaitForEveryDependencyOfACallWithSeveral() {
        install(UPSTREAMS + """
                endpoints:
                  combo:
                    path: /combo
                    deadline: 20s
                    calls:
                      user: { upstream: a, path: /user }
                      orders: { upstream: b, path: /orders }
                      summary:
                        upstream: c
                        path: "/summary/{user.id}/{orders.count}"
                        query: { tier: "{user.tier}" }
                """);
        A.on("/user", json("{\"id\":42,\"tier\":\"gold\"}").withDelay(Duration.ofMillis(50)));
        B.on("/orders", json("{\"count\":3}").withDelay(Duration.ofMillis(400)));
        C.on("/summary/42/3", json("{\"ok\":true}"));

        client.get()
                .uri("/combo")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.data.summary.ok")
                .isEqualTo(true);

        assertThat(C.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/summary/42/3?tier=gold");
        long afterSlowerMs = (C.seen().get(0).startedNanos() - B.seen().get(0).startedNanos()) / 1_000_000;
        assertThat(afterSlowerMs).as("summary waited for the slower dependency").isGreaterThanOrEqualTo(380);
    }

    @Test
    void shouldCallOncePerElementWithinTheConcurrencyCapAndKeepElementOrder() throws Exception {
        install(UPSTREAMS + """
                endpoints:
                  products:
                    path: /orders/{id}
                    deadline: 20s
                    calls:
                      orders: { upstream: a, path: "/orders/{path.id}" }
                      products:
                        upstream: b
                        for-each: orders.items
                        path: "/products/{item.productId}"
                        concurrency: 2
                """);
        A.on("/orders/1", json("""
                {"items":[{"productId":"p1"},{"productId":"p2"},{"productId":"p3"},
                          {"productId":"p4"},{"productId":"p5"},{"productId":"p6"}]}"""));
        for (int i = 1; i <= 6; i++) {
            // the first element answers last, so completion order differs from element order
            B.on("/products/p" + i, json("{\"id\":\"p" + i + "\"}").withDelay(Duration.ofMillis(i == 1 ? 700 : 150)));
        }

        byte[] body = client.get()
                .uri("/orders/1")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.meta.calls.products.items")
                .isEqualTo(6)
                .jsonPath("$.errors")
                .isEmpty()
                .returnResult()
                .getResponseBody();

        JsonNode products = JSON.readTree(body).at("/data/products");
        List<String> ids = new java.util.ArrayList<>();
        products.forEach(p -> ids.add(p.get("id").asString()));
        assertThat(ids).containsExactly("p1", "p2", "p3", "p4", "p5", "p6");
        assertThat(B.seen()).hasSize(6);
        assertThat(B.maxInFlight()).as("concurrency: 2").isLessThanOrEqualTo(2).isGreaterThan(1);
        assertThat(B.completed().get(0)).as("a later element answered first").isNotEqualTo("/products/p1");
    }

    @Test
    void shouldAnswerAnEmptyListForEachOverAnEmptyArray() {
        install(UPSTREAMS + """
                endpoints:
                  products:
                    path: /orders/{id}
                    deadline: 20s
                    calls:
                      orders: { upstream: a, path: "/orders/{path.id}" }
                      products: { upstream: b, for-each: orders.items, path: "/products/{item.productId}" }
                """);
        A.on("/orders/1", json("{\"items\":[]}"));

        client.get()
                .uri("/orders/1")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .doesNotExist("Fanout-Partial")
                .expectBody()
                .jsonPath("$.data.products")
                .isArray()
                .jsonPath("$.data.products")
                .isEmpty()
                .jsonPath("$.errors")
                .isEmpty()
                .jsonPath("$.meta.partial")
                .isEqualTo(false);

        assertThat(B.seen()).isEmpty();
    }

    @Test
    void shouldFailForEachOverAValueThatIsNotAnArrayAsBadTemplateValue() {
        install(UPSTREAMS + """
                endpoints:
                  products:
                    path: /orders/{id}
                    deadline: 20s
                    calls:
                      orders: { upstream: a, path: "/orders/{path.id}" }
                      products:
                        upstream: b
                        for-each: orders.items
                        path: "/products/{item.productId}"
                        required: false
                """);
        A.on("/orders/1", json("{\"items\":{\"productId\":\"p1\"}}"));

        client.get()
                .uri("/orders/1")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("Fanout-Partial", "true")
                .expectBody()
                .jsonPath("$.data.products")
                .value(nullValue())
                .jsonPath("$.errors[0].call")
                .isEqualTo("products")
                .jsonPath("$.errors[0].type")
                .isEqualTo("bad-template-value")
                .jsonPath("$.meta.calls.products.error")
                .isEqualTo("bad-template-value");

        assertThat(B.seen()).isEmpty();
    }

    @Test
    void shouldSelectPartOfTheAnswerByJsonPointer() {
        install(UPSTREAMS + """
                endpoints:
                  recs:
                    path: /recs
                    deadline: 20s
                    calls:
                      recs: { upstream: a, path: /recs, select: /result/items }
                """);
        A.on("/recs", json("{\"result\":{\"items\":[1,2,3],\"cursor\":\"x\"},\"debug\":true}"));

        client.get()
                .uri("/recs")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.data.recs")
                .isArray()
                .jsonPath("$.data.recs.length()")
                .isEqualTo(3)
                .jsonPath("$.data.recs[2]")
                .isEqualTo(3)
                .jsonPath("$.data.debug")
                .doesNotExist();
    }

    @Test
    void shouldUseTheQueryDefaultOnlyWhenTheParameterIsAbsent() {
        install(UPSTREAMS + """
                endpoints:
                  orders:
                    path: /orders
                    deadline: 20s
                    calls:
                      orders: { upstream: a, path: /orders, query: { limit: "{query.limit|10}" } }
                """);
        A.on("/orders", json("{}"));

        client.get().uri("/orders").exchange().expectStatus().isOk();
        client.get().uri("/orders?limit=5").exchange().expectStatus().isOk();

        assertThat(A.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/orders?limit=10", "/orders?limit=5");
    }

    @Test
    void shouldTakeTemplateValuesFromRequestHeaders() {
        install(UPSTREAMS + """
                endpoints:
                  tenant:
                    path: /tenant
                    deadline: 20s
                    calls:
                      tenant:
                        upstream: a
                        path: "/tenants/{header.X-Tenant}"
                        headers: { X-Tenant-Id: "{header.x-tenant}" }
                """);
        A.on("*", json("{}"));

        client.get()
                .uri("/tenant")
                .header("X-Tenant", "acme")
                .exchange()
                .expectStatus()
                .isOk();

        assertThat(A.seen()).hasSize(1);
        assertThat(A.seen().get(0).uri()).isEqualTo("/tenants/acme");
        assertThat(A.seen().get(0).header("X-Tenant-Id")).isEqualTo("acme");
    }

    @Test
    void shouldBuildBodiesFromTheClientBodyAndForwardItWhole() throws Exception {
        install(UPSTREAMS + """
                endpoints:
                  create:
                    method: POST
                    path: /items
                    calls:
                      created:
                        upstream: a
                        method: POST
                        path: /items
                        body: { name: "{body.name}", qty: "{body.qty}", label: "item {body.name}" }
                      audit: { upstream: b, method: POST, path: /audit, body: "{body}" }
                """);
        A.on("/items", json("{\"id\":1}"));
        B.on("/audit", json("{\"ok\":true}"));
        String clientBody = "{\"name\":\"chair\",\"qty\":3,\"tags\":[\"a\",\"b\"]}";

        client.post()
                .uri("/items")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(clientBody)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.data.created.id")
                .isEqualTo(1);

        FakeUpstream.Seen item = A.seen().get(0);
        assertThat(item.method()).isEqualTo("POST");
        JsonNode sent = JSON.readTree(item.body());
        assertThat(sent.get("name").asString()).isEqualTo("chair");
        assertThat(sent.get("qty").isNumber())
                .as("a single reference keeps its JSON type")
                .isTrue();
        assertThat(sent.get("qty").asInt()).isEqualTo(3);
        assertThat(sent.get("label").asString()).isEqualTo("item chair");
        assertThat(item.header("Content-Type")).startsWith("application/json");
        FakeUpstream.Seen audit = B.seen().get(0);
        assertThat(audit.method()).isEqualTo("POST");
        assertThat(JSON.readTree(audit.body())).isEqualTo(JSON.readTree(clientBody));
    }

    @Test
    void shouldOmitAQueryParameterWhoseOnlyReferenceIsMissing() {
        install(UPSTREAMS + """
                endpoints:
                  orders:
                    path: /users/{id}/orders
                    deadline: 20s
                    calls:
                      orders:
                        upstream: a
                        path: /orders
                        query: { userId: "{path.id}", status: "{query.status}", fixed: "yes" }
                """);
        A.on("/orders", json("{}"));

        client.get().uri("/users/7/orders").exchange().expectStatus().isOk();
        client.get()
                .uri("/users/7/orders?status=open")
                .exchange()
                .expectStatus()
                .isOk();

        assertThat(A.seen())
                .extracting(FakeUpstream.Seen::uri)
                .containsExactly("/orders?userId=7&fixed=yes", "/orders?userId=7&status=open&fixed=yes");
    }

    @Test
    void shouldNotCallAnUpstreamTwiceWhenSeveralCallsReferenceTheSameAnswer() {
        install(UPSTREAMS + """
                endpoints:
                  fan:
                    path: /fan
                    deadline: 20s
                    calls:
                      user: { upstream: a, path: /user }
                      x: { upstream: b, path: "/x/{user.id}" }
                      y: { upstream: c, path: "/y/{user.id}" }
                """);
        A.on("/user", json("{\"id\":5}"));
        B.on("*", json("{}"));
        C.on("*", json("{}"));

        client.get().uri("/fan").exchange().expectStatus().isOk();

        assertThat(A.seen()).hasSize(1);
        assertThat(List.of(B.seen().get(0).uri(), C.seen().get(0).uri())).containsExactly("/x/5", "/y/5");
    }
}
