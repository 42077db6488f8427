package io.fanout.engine;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.nullValue;

import io.fanout.testsupport.FakeUpstream;
import io.fanout.testsupport.FanoutIntegrationTests;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.MediaType;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

/**
 * SPEC §1 templates and §6 security: no client input changes the upstream's host or leaves its base path, header
 * values with line breaks are refused, bodies are bounded, and only listed headers are forwarded.
 */
class HostileInputIntegrationTests extends FanoutIntegrationTests {

    private static final String CONFIG = """
            upstreams:
              a: { url: "${A}/api/v1" }
              b: { url: "${B}" }
            endpoints:
              item:
                path: /x/{v}/y
                calls:
                  target: { upstream: a, path: "/items/{path.v}/detail", required: false }
              whole:
                path: /whole/{v}
                calls:
                  target: { upstream: a, path: "/{path.v}", required: false }
              query:
                path: /q
                calls:
                  target:
                    upstream: a
                    path: /search
                    query: { q: "{query.v}" }
                    required: false
              header:
                path: /h
                calls:
                  target:
                    upstream: a
                    path: /h
                    headers: { X-Val: "{query.v}" }
                    required: false
            """;

    /** Calls {@code clientPath} (already encoded as a client would send it, passed through untouched). */
    private void get(String clientPath) {
        client.get()
                .uri(URI.create("http://127.0.0.1:" + port + clientPath))
                .exchange()
                .expectStatus()
                .isOk();
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                // value        | as the client sends it    | what the upstream must see
                "'a/b'            | a%2Fb                     | /api/v1/items/a%2Fb/detail",
                "'?'              | %3F                       | /api/v1/items/%3F/detail",
                "'#'              | %23                       | /api/v1/items/%23/detail",
                "'a?b=c#d'        | a%3Fb=c%23d               | /api/v1/items/a%3Fb%3Dc%23d/detail",
                "'zoë'            | zo%C3%AB                  | /api/v1/items/zo%C3%AB/detail",
                "'😀'             | %F0%9F%98%80              | /api/v1/items/%F0%9F%98%80/detail",
                "'...'            | ...                       | /api/v1/items/.../detail",
                "'a b'            | a%20b                     | /api/v1/items/a%20b/detail",
                "'@evil.example'  | @evil.example             | /api/v1/items/%40evil.example/detail",
            })
    void shouldEncodeAHostileValueInsideOnePathSegmentUnderTheBasePath(String value, String sent, String expected) {
        install(CONFIG);
        A.on("*", json("{}"));

        get("/x/" + sent + "/y");

        assertThat(A.seen()).extracting(FakeUpstream.Seen::uri).containsExactly(expected);
        assertThat(B.seen()).isEmpty();
    }

    @Test
    void shouldKeepTheHostWhenTheWholeUpstreamPathComesFromTheClient() {
        install(CONFIG);
        A.on("*", json("{}"));

        get("/whole/%2F%2Fevil.example%2Fsteal");
        get("/whole/http:%2F%2Fevil.example");

        assertThat(A.seen())
                .extracting(FakeUpstream.Seen::uri)
                .containsExactly("/api/v1/%2F%2Fevil.example%2Fsteal", "/api/v1/http%3A%2F%2Fevil.example");
        assertThat(A.seen()).allSatisfy(s -> assertThat(s.header("Host")).isEqualTo("127.0.0.1:" + A.port()));
    }

    @Test
    void shouldKeepTheUpstreamsBasePath() {
        install(CONFIG);
        A.on("*", json("{\"ok\":true}"));

        client.get()
                .uri("/x/abc/y")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.data.target.ok")
                .isEqualTo(true);

        assertThat(A.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/api/v1/items/abc/detail");
    }

    @Test
    void shouldEncodeAPercentEncodedDotsValueOrRefuseIt() {
        install(CONFIG);
        A.on("*", json("{}"));

        // the value is the text "%2e%2e": refused, since an upstream that decodes twice would read '..'
        client.get()
                .uri(URI.create("http://127.0.0.1:" + port + "/x/%252e%252e/y"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.errors[0].type")
                .isEqualTo("bad-template-value");

        assertThat(A.seen()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "%2E%2E",
        "%2e%2e",
        "%2E",
        ".%2E",
        // a server that decodes %2F or %5C (or decodes twice) before normalising would step out of the base path
        "..%2Fx",
        "..%5Cx",
        "x%2F..%2Fy",
        "x%5C.%5Cy",
        "%252e%252e%252fx",
        "..%252Fx"
    })
    void shouldRefuseDotSegmentsWithBadTemplateValue(String sent) {
        install(CONFIG);
        A.on("*", json("{}"));

        client.get()
                .uri(URI.create("http://127.0.0.1:" + port + "/x/" + sent + "/y"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("Fanout-Partial", "true")
                .expectBody()
                .jsonPath("$.errors[0].call")
                .isEqualTo("target")
                .jsonPath("$.errors[0].type")
                .isEqualTo("bad-template-value")
                .jsonPath("$.meta.calls.target.error")
                .isEqualTo("bad-template-value");

        assertThat(A.seen()).as("nothing reaches the upstream").isEmpty();
    }

    @Test
    void shouldEncodeHostileQueryValuesInsideOneParameter() {
        install(CONFIG);
        A.on("*", json("{}"));

        get("/q?v=a%26admin%3Dtrue%23x%0D%0AHost:%20evil");

        assertThat(A.seen())
                .extracting(FakeUpstream.Seen::uri)
                .containsExactly("/api/v1/search?q=a%26admin%3Dtrue%23x%0D%0AHost%3A%20evil");
    }

    @Test
    void shouldRefuseALineBreakInAHeaderValue() {
        install(CONFIG);
        A.on("*", json("{}"));

        client.get()
                .uri(URI.create("http://127.0.0.1:" + port + "/h?v=ok%0D%0AX-Injected:%20yes"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.errors[0].type")
                .isEqualTo("bad-template-value")
                .jsonPath("$.data.target")
                .value(nullValue());
        client.get()
                .uri(URI.create("http://127.0.0.1:" + port + "/h?v=lf%0Aonly"))
                .exchange()
                .expectBody()
                .jsonPath("$.errors[0].type")
                .isEqualTo("bad-template-value");

        assertThat(A.seen()).isEmpty();
    }

    @Test
    void shouldSendASafeHeaderValueFromTheClient() {
        install(CONFIG);
        A.on("*", json("{}"));

        get("/h?v=plain%20value");

        assertThat(A.seen().get(0).header("X-Val")).isEqualTo("plain value");
        assertThat(A.seen().get(0).headers().contains("X-Injected")).isFalse();
    }

    @Test
    void shouldAnswer413ProblemForABodyOverTheLimit() {
        install("""
                upstreams:
                  a: { url: "${A}" }
                endpoints:
                  post:
                    method: POST
                    path: /post
                    calls:
                      fwd: { upstream: a, method: POST, path: /fwd, body: "{body}" }
                """);
        A.on("*", json("{}"));
        String big = "{\"p\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}";

        client.post()
                .uri("/post")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(big)
                .exchange()
                .expectStatus()
                .isEqualTo(413)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader()
                .exists("X-Request-Id")
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo(413);

        assertThat(A.seen()).isEmpty();
    }

    @Test
    void shouldAnswer413ProblemForAChunkedBodyOverTheLimit() {
        install("""
                upstreams:
                  a: { url: "${A}" }
                endpoints:
                  post:
                    method: POST
                    path: /post
                    calls:
                      fwd: { upstream: a, method: POST, path: /fwd, body: "{body}" }
                """);
        A.on("*", json("{}"));
        byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);

        String answer = HttpClient.create()
                .baseUrl("http://127.0.0.1:" + port)
                .headers(h -> h.set("Content-Type", "application/json"))
                .post()
                .uri("/post")
                // no Content-Length: 20 chunks of 64KB, 1.25MB in all
                .send(Flux.concat(
                        Flux.just(Unpooled.wrappedBuffer("{\"p\":\"".getBytes(StandardCharsets.US_ASCII))),
                        Flux.range(0, 20).map(i -> Unpooled.wrappedBuffer(chunk)),
                        Flux.just(Unpooled.wrappedBuffer("\"}".getBytes(StandardCharsets.US_ASCII)))))
                .responseSingle((res, body) -> body.asString()
                        .map(b -> res.status().code() + " "
                                + res.responseHeaders().get("Content-Type") + " " + b))
                .block(Duration.ofSeconds(10));

        assertThat(answer).startsWith("413 application/problem+json");
        assertThat(A.seen()).isEmpty();
    }

    @Test
    void shouldAcceptABodyUnderTheLimit() {
        install("""
                upstreams:
                  a: { url: "${A}" }
                endpoints:
                  post:
                    method: POST
                    path: /post
                    calls:
                      fwd: { upstream: a, method: POST, path: /fwd, body: "{body}" }
                """);
        A.on("*", json("{}"));
        String body = "{\"p\":\"" + "x".repeat(512 * 1024) + "\"}";

        client.post()
                .uri("/post")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isOk();

        assertThat(A.seen().get(0).body()).isEqualTo(body);
    }

    @Test
    void shouldForwardOnlyTheListedClientHeaders() {
        install("""
                upstreams:
                  a: { url: "${A}" }
                endpoints:
                  fwd:
                    path: /fwd
                    forward-headers: [Accept-Language, X-Tenant]
                    calls:
                      one: { upstream: a, path: /one }
                """);
        A.on("*", json("{}"));

        client.get()
                .uri("/fwd")
                .header("Accept-Language", "fr-CH")
                .header("X-Tenant", "acme")
                .header("Authorization", "Bearer client-secret")
                .header("Cookie", "session=abc")
                .header("Proxy-Authorization", "Basic xyz")
                .header("X-Forwarded-For", "10.0.0.1")
                .header("X-Internal", "1")
                .header("Connection", "keep-alive, X-Internal")
                .header("Keep-Alive", "timeout=5")
                .header("TE", "trailers")
                .header("Upgrade", "h2c")
                .header("Trailer", "X-T")
                .exchange()
                .expectStatus()
                .isOk();

        FakeUpstream.Seen seen = A.seen().get(0);
        assertThat(seen.header("Accept-Language")).isEqualTo("fr-CH");
        assertThat(seen.header("X-Tenant")).isEqualTo("acme");
        for (String name : new String[] {
            "Authorization",
            "Cookie",
            "Proxy-Authorization",
            "X-Forwarded-For",
            "X-Internal",
            "Keep-Alive",
            "TE",
            "Upgrade",
            "Trailer"
        }) {
            assertThat(seen.headers().contains(name))
                    .as(name + " must not be forwarded")
                    .isFalse();
        }
        assertThat(seen.header("Host")).isEqualTo("127.0.0.1:" + A.port());
        assertThat(seen.header("Connection"))
                .as("the client's Connection header is not forwarded")
                .isNotEqualTo("keep-alive, X-Internal");
    }
}
