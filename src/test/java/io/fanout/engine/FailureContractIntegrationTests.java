package io.fanout.engine;

import static io.fanout.testsupport.FakeUpstream.json;
import static io.fanout.testsupport.FakeUpstream.mode;
import static io.fanout.testsupport.FakeUpstream.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.nullValue;

import io.fanout.testsupport.FakeUpstream;
import io.fanout.testsupport.FakeUpstream.Mode;
import io.fanout.testsupport.FanoutIntegrationTests;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SPEC §2 and §7: every error type a call can end with, as the envelope of an optional call and as the problem
 * answer (with its status) of a required call; 404/405/503 problems; X-Request-Id on every answer.
 */
class FailureContractIntegrationTests extends FanoutIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Two endpoints over the same failing call: {@code /opt} where it is optional, {@code /req} where it is required.
     * Both also have a healthy call 'ok'.
     */
    private void installFailing(String upstreamB, String callSettings, String endpointSettings) {
        install("""
                upstreams:
                  a: { url: "${A}" }
                  b: { %1$s }
                endpoints:
                  opt:
                    path: /opt
                    %3$s
                    calls:
                      ok: { upstream: a, path: /ok }
                      bad: { upstream: b, path: /bad, required: false %2$s }
                  req:
                    path: /req
                    %3$s
                    calls:
                      ok: { upstream: a, path: /ok }
                      bad: { upstream: b, path: /bad %2$s }
                """.formatted(upstreamB, callSettings, endpointSettings));
        A.on("/ok", json("{\"fine\":true}"));
    }

    private void installFailing(FakeUpstream.Behavior bad) {
        installFailing("url: \"${B}\"", "", "");
        B.on("/bad", bad);
    }

    /** The 200 partial envelope for an optional call that failed with {@code type}; returns the error entry. */
    private JsonNode assertOptionalFailure(String type) {
        EntityExchangeResult<byte[]> r = client.get()
                .uri("/opt")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectHeader()
                .valueEquals("Fanout-Partial", "true")
                .expectBody()
                .returnResult();
        JsonNode body = JSON.readTree(r.getResponseBody());
        assertThat(body.at("/data/ok/fine").asBoolean()).isTrue();
        assertThat(body.at("/data").has("bad")).isTrue();
        assertThat(body.at("/data/bad").isNull())
                .as("a failed call's data is null")
                .isTrue();
        assertThat(body.at("/errors").size()).isEqualTo(1);
        JsonNode error = body.at("/errors/0");
        assertThat(error.get("call").asString()).isEqualTo("bad");
        assertThat(error.get("type").asString()).isEqualTo(type);
        assertThat(error.get("message").asString()).isNotBlank();
        assertThat(body.at("/meta/partial").asBoolean()).isTrue();
        assertThat(body.at("/meta/calls/bad/error").asString()).isEqualTo(type);
        assertThat(body.at("/meta/calls/bad/durationMs").isNumber()).isTrue();
        assertThat(body.at("/meta/calls/bad/attempts").isNumber()).isTrue();
        assertThat(body.at("/meta/calls/ok/status").asInt()).isEqualTo(200);
        assertNoInternals(r);
        return error;
    }

    /** The problem answer for the required call; returns its body. */
    private JsonNode assertRequiredFailure(int status, String type) {
        EntityExchangeResult<byte[]> r = client.get()
                .uri("/req")
                .exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectBody()
                .returnResult();
        JsonNode problem = assertProblem(r, status);
        JsonNode bad = null;
        for (JsonNode e : problem.get("errors")) {
            if (e.get("call").asString().equals("bad")) {
                bad = e;
            }
        }
        assertThat(bad).as("errors lists the failed required call: " + problem).isNotNull();
        assertThat(bad.get("type").asString()).isEqualTo(type);
        assertThat(bad.get("message").asString()).isNotBlank();
        assertThat(problem.get("detail").asString()).contains("bad");
        return problem;
    }

    /** An RFC 9457 problem with every field, the request id of the answer, and nothing internal. */
    private JsonNode assertProblem(EntityExchangeResult<byte[]> r, int status) {
        assertThat(r.getResponseHeaders().getContentType()).isNotNull();
        assertThat(r.getResponseHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .as("content type " + r.getResponseHeaders().getContentType())
                .isTrue();
        JsonNode problem = JSON.readTree(r.getResponseBody());
        assertThat(problem.get("type").asString()).startsWith("https://");
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).isNotBlank();
        String id = r.getResponseHeaders().getFirst("X-Request-Id");
        assertThat(id).isNotBlank();
        assertThat(problem.get("requestId").asString()).isEqualTo(id);
        assertNoInternals(r);
        return problem;
    }

    private static void assertNoInternals(EntityExchangeResult<byte[]> r) {
        String text = new String(r.getResponseBody(), StandardCharsets.UTF_8);
        assertThat(text)
                .doesNotContain("Exception")
                .doesNotContain("java.")
                .doesNotContain("reactor.")
                .doesNotContain("io.netty")
                .doesNotContain("\tat ");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    // ---- upstream status

    @Test
    void shouldAnswerTheUpstreams4xxWhenARequiredCallIsRejected() {
        installFailing(status(404, "{\"error\":\"no such user\"}"));

        JsonNode problem = assertRequiredFailure(404, "upstream-status");

        assertThat(problem.at("/errors/0/status").asInt()).isEqualTo(404);
        assertThat(problem.toString()).as("upstream bodies are not echoed").doesNotContain("no such user");
    }

    @Test
    void shouldListAnOptionalCallsUpstreamStatusWithTheStatus() {
        installFailing(status(404, "{}"));

        JsonNode error = assertOptionalFailure("upstream-status");

        assertThat(error.get("status").asInt()).isEqualTo(404);
    }

    @Test
    void shouldAnswer502WhenARequiredCallsUpstreamAnswers500() {
        installFailing(status(500, "{\"trace\":\"java.lang.NullPointerException\"}"));

        JsonNode problem = assertRequiredFailure(502, "upstream-status");

        assertThat(problem.at("/errors/0/status").asInt()).isEqualTo(500);
    }

    @Test
    void shouldListAnOptionalCallsUpstream500() {
        installFailing(status(500, "{}"));

        assertThat(assertOptionalFailure("upstream-status").get("status").asInt())
                .isEqualTo(500);
    }

    // ---- time

    @Test
    void shouldAnswer504TimeoutWhenARequiredCallExceedsItsTimeout() {
        installFailing("url: \"${B}\"", ", timeout: 200ms", "deadline: 20s");
        B.on("/bad", json("{}").withDelay(Duration.ofSeconds(15)));

        long start = System.nanoTime();
        assertRequiredFailure(504, "timeout");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        // margins for a loaded 2-core box: 200ms expected, the upstream's 15s if the timeout did not cut
        assertThat(elapsedMs).as("cut at 200ms, not after the upstream's 15s").isLessThan(7500);
    }

    @Test
    void shouldListAnOptionalCallCutByItsTimeout() {
        // the deadline far above the timeout: the fast call 'ok' must not be cut on a loaded box
        installFailing("url: \"${B}\"", ", timeout: 200ms", "deadline: 20s");
        B.on("/bad", json("{}").withDelay(Duration.ofSeconds(30)));

        JsonNode error = assertOptionalFailure("timeout");

        assertThat(error.get("message").asString()).contains("200ms");
    }

    @Test
    void shouldAnswer504DeadlineExceededWhenTheDeadlineCutsARequiredCall() {
        installFailing("url: \"${B}\", timeout: 15s", "", "deadline: 300ms");
        B.on("/bad", json("{}").withDelay(Duration.ofSeconds(20)));

        long start = System.nanoTime();
        assertRequiredFailure(504, "deadline-exceeded");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(elapsedMs)
                .as("cut at the 300ms deadline, long before the 15s call timeout")
                .isLessThan(7500);
    }

    @Test
    void shouldAnswer200PartialWhenTheDeadlineCutsAnOptionalCall() {
        // 3s: the fast call 'ok' (cold connection included) must answer well within the deadline that cuts 'bad';
        // the call timeout far above it, so that the cut is the deadline's
        installFailing("url: \"${B}\", timeout: 60s", "", "deadline: 3s");
        B.on("/bad", json("{}").withDelay(Duration.ofSeconds(30)));

        assertOptionalFailure("deadline-exceeded");
    }

    @Test
    void shouldTimeOutAnUpstreamThatTricklesItsBodyBeyondTheTimeout() {
        installFailing("url: \"${B}\"", ", timeout: 300ms", "deadline: 20s");
        // headers come at once, then one byte every 50ms: about 15s for the body
        B.on("/bad", mode(Mode.TRICKLE, "{\"padding\":\"" + "x".repeat(290) + "\"}"));

        long start = System.nanoTime();
        assertRequiredFailure(504, "timeout");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(elapsedMs)
                .as("the timeout covers the body, not only the headers")
                .isLessThan(7500);
    }

    // ---- connection

    @Test
    void shouldAnswer502ConnectErrorWhenTheUpstreamRefusesConnections() throws IOException {
        installFailing("url: \"http://127.0.0.1:" + closedPort() + "\"", "", "");

        assertRequiredFailure(502, "connect-error");
        assertOptionalFailure("connect-error");
    }

    @Test
    void shouldAnswer502ConnectErrorWhenTheUpstreamResetsBeforeAnswering() {
        installFailing(mode(Mode.RESET_BEFORE_HEADERS, ""));

        assertRequiredFailure(502, "connect-error");
        assertOptionalFailure("connect-error");
    }

    @Test
    void shouldAnswer502WhenTheUpstreamResetsInTheMiddleOfTheBody() {
        installFailing(mode(Mode.RESET_AFTER_HEADERS, "{\"partial\":\"bo"));

        EntityExchangeResult<byte[]> r = client.get()
                .uri("/req")
                .exchange()
                .expectStatus()
                .isEqualTo(502)
                .expectBody()
                .returnResult();
        JsonNode problem = assertProblem(r, 502);

        // SPEC leaves open whether a body cut off mid-way is a connection or a response failure; both are 502
        assertThat(problem.at("/errors/0/call").asString()).isEqualTo("bad");
        assertThat(problem.at("/errors/0/type").asString()).isIn("connect-error", "invalid-response");
    }

    // ---- response body

    @Test
    void shouldTreatA2xxBodyThatIsNotJsonAsInvalidResponse() {
        installFailing(json("<html>oops</html>"));

        assertRequiredFailure(502, "invalid-response");
        assertOptionalFailure("invalid-response");
    }

    @Test
    void shouldTreatANonJsonBodyAsInvalidResponseAlsoWhenItIsParsedForSelect() {
        installFailing("url: \"${B}\"", ", select: /items", "");
        B.on("/bad", json("{\"items\": [1, 2"));

        assertOptionalFailure("invalid-response");
    }

    @Test
    void shouldRejectABodyOverMaxResponseSizeDeclaredByContentLength() {
        installFailing("url: \"${B}\", max-response-size: 1KB", "", "");
        B.on("/bad", json("{\"padding\":\"" + "x".repeat(2000) + "\"}"));

        assertRequiredFailure(502, "invalid-response");
        JsonNode error = assertOptionalFailure("invalid-response");

        assertThat(error.get("message").asString()).contains("max-response-size");
    }

    @Test
    void shouldRejectAChunkedBodyOverMaxResponseSize() {
        installFailing("url: \"${B}\", max-response-size: 1KB", "", "");
        // sent twice in chunks without Content-Length: 1.2KB in total, each chunk under the limit
        B.on("/bad", mode(Mode.CHUNKED, "[\"" + "x".repeat(600) + "\"]"));

        assertRequiredFailure(502, "invalid-response");
        JsonNode error = assertOptionalFailure("invalid-response");

        assertThat(error.get("message").asString()).contains("max-response-size");
    }

    @Test
    void shouldAcceptABodyJustUnderMaxResponseSize() {
        installFailing("url: \"${B}\", max-response-size: 1KB", "", "");
        B.on("/bad", json("\"" + "x".repeat(1000) + "\""));

        client.get()
                .uri("/req")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.errors")
                .isEmpty();
    }

    // ---- graph and templates

    @Test
    void shouldFailACallWhoseDependencyFailedWithoutCallingItsUpstream() {
        install("""
                upstreams:
                  a: { url: "${A}" }
                  b: { url: "${B}" }
                endpoints:
                  opt:
                    path: /opt
                    calls:
                      user: { upstream: a, path: /user, required: false }
                      company: { upstream: b, path: "/companies/{user.companyId}", required: false }
                  req:
                    path: /req
                    calls:
                      user: { upstream: a, path: /user, required: false }
                      company: { upstream: b, path: "/companies/{user.companyId}" }
                """);
        A.on("/user", status(500, "{}"));

        client.get()
                .uri("/opt")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("Fanout-Partial", "true")
                .expectBody()
                .jsonPath("$.data.company")
                .value(nullValue())
                .jsonPath("$.errors[?(@.call == 'user')].type")
                .isEqualTo("upstream-status")
                .jsonPath("$.errors[?(@.call == 'company')].type")
                .isEqualTo("dependency-failed")
                .jsonPath("$.meta.calls.company.error")
                .isEqualTo("dependency-failed")
                .jsonPath("$.meta.partial")
                .isEqualTo(true);
        EntityExchangeResult<byte[]> r = client.get()
                .uri("/req")
                .exchange()
                .expectStatus()
                .isEqualTo(502)
                .expectBody()
                .returnResult();

        assertThat(assertProblem(r, 502).toString()).contains("dependency-failed");
        assertThat(B.seen())
                .as("a call whose dependency failed never reaches its upstream")
                .isEmpty();
    }

    @Test
    void shouldFailACallWhoseReferencedValueIsAnObjectWithBadTemplateValue() {
        install("""
                upstreams:
                  a: { url: "${A}" }
                  b: { url: "${B}" }
                endpoints:
                  opt:
                    path: /opt
                    calls:
                      ok: { upstream: a, path: /ok }
                      bad: { upstream: b, path: "/companies/{ok.company}", required: false }
                  req:
                    path: /req
                    calls:
                      ok: { upstream: a, path: /ok }
                      bad: { upstream: b, path: "/companies/{ok.company}" }
                """);
        A.on("/ok", json("{\"fine\":true,\"company\":{\"id\":1}}"));

        assertOptionalFailure("bad-template-value");
        assertRequiredFailure(502, "bad-template-value");

        assertThat(B.seen()).isEmpty();
    }

    // ---- routing problems

    @Test
    void shouldAnswerAnUnknownPathWithA404Problem() {
        installFailing(json("{}"));

        EntityExchangeResult<byte[]> r = client.get()
                .uri("/no/such/endpoint")
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .returnResult();

        assertThat(assertProblem(r, 404).get("detail").asString()).contains("/no/such/endpoint");
    }

    @Test
    void shouldAnswerAWrongMethodWithA405ProblemNamingTheAllowedOnes() {
        installFailing(json("{}"));

        EntityExchangeResult<byte[]> r = client.delete()
                .uri("/opt")
                .exchange()
                .expectStatus()
                .isEqualTo(405)
                .expectHeader()
                .value(HttpHeaders.ALLOW, allow -> assertThat(allow).contains("GET"))
                .expectBody()
                .returnResult();

        assertProblem(r, 405);
    }

    @Test
    void shouldAnswerTheJobsApiWith503ProblemWithoutADatabase() {
        EntityExchangeResult<byte[]> r = client.get()
                .uri("/jobs")
                .exchange()
                .expectStatus()
                .isEqualTo(503)
                .expectBody()
                .returnResult();

        assertThat(assertProblem(r, 503).get("detail").asString()).containsIgnoringCase("database");
        client.post().uri("/jobs/123").exchange().expectStatus().isEqualTo(503);
    }

    // ---- request id

    @Test
    void shouldKeepASaneClientRequestIdAndSendItToEveryUpstream() {
        install("""
                upstreams:
                  a: { url: "${A}" }
                  b: { url: "${B}" }
                  c: { url: "${C}" }
                endpoints:
                  three:
                    path: /three
                    calls:
                      one: { upstream: a, path: /one }
                      two: { upstream: b, path: "/two/{one.id}" }
                      three: { upstream: c, path: /three }
                """);
        A.on("*", json("{\"id\":1}"));
        B.on("*", json("{}"));
        C.on("*", json("{}"));
        String id = "client-req_42.abc:XYZ";

        client.get()
                .uri("/three")
                .header("X-Request-Id", id)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("X-Request-Id", id)
                .expectBody()
                .jsonPath("$.meta.requestId")
                .isEqualTo(id);

        assertThat(A.seen().get(0).header("X-Request-Id")).isEqualTo(id);
        assertThat(B.seen().get(0).header("X-Request-Id")).isEqualTo(id);
        assertThat(C.seen().get(0).header("X-Request-Id")).isEqualTo(id);
    }

    @Test
    void shouldReplaceAnOverlongClientRequestId() {
        installFailing(json("{}"));
        String tooLong = "x".repeat(129);

        String id = client.get()
                .uri("/opt")
                .header("X-Request-Id", tooLong)
                .exchange()
                .expectStatus()
                .isOk()
                .returnResult(String.class)
                .getResponseHeaders()
                .getFirst("X-Request-Id");

        assertThat(id).isNotBlank().isNotEqualTo(tooLong);
        assertThat(A.seen().get(0).header("X-Request-Id")).isEqualTo(id);
    }

    @Test
    void shouldKeepAClientRequestIdOfExactly128Characters() {
        installFailing(json("{}"));
        String longest = "y".repeat(128);

        client.get()
                .uri("/opt")
                .header("X-Request-Id", longest)
                .exchange()
                .expectHeader()
                .valueEquals("X-Request-Id", longest);
    }

    @Test
    void shouldReplaceAClientRequestIdWithSpaces() {
        installFailing(json("{}"));

        String id = client.get()
                .uri("/opt")
                .header("X-Request-Id", "my id; drop table")
                .exchange()
                .expectStatus()
                .isOk()
                .returnResult(String.class)
                .getResponseHeaders()
                .getFirst("X-Request-Id");

        assertThat(id).isNotBlank().doesNotContain(" ");
        assertThat(B.seen().get(0).header("X-Request-Id")).isEqualTo(id);
    }

    @Test
    void shouldCarryTheRequestIdOnProblemAnswers() {
        installFailing(status(503, "{}"));

        client.get()
                .uri("/req")
                .header("X-Request-Id", "req-problem-1")
                .exchange()
                .expectStatus()
                .isEqualTo(502)
                .expectHeader()
                .valueEquals("X-Request-Id", "req-problem-1")
                .expectBody()
                .jsonPath("$.requestId")
                .isEqualTo("req-problem-1");
        client.get()
                .uri("/nowhere")
                .header("X-Request-Id", "req-problem-2")
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectHeader()
                .valueEquals("X-Request-Id", "req-problem-2")
                .expectBody()
                .jsonPath("$.requestId")
                .isEqualTo("req-problem-2");
        client.put()
                .uri("/opt")
                .header("X-Request-Id", "req-problem-3")
                .exchange()
                .expectStatus()
                .isEqualTo(405)
                .expectHeader()
                .valueEquals("X-Request-Id", "req-problem-3");
        client.get()
                .uri("/jobs")
                .header("X-Request-Id", "req-problem-4")
                .exchange()
                .expectHeader()
                .valueEquals("X-Request-Id", "req-problem-4");
    }

    @Test
    void shouldGenerateDifferentRequestIdsWhenTheClientSendsNone() {
        installFailing(json("{}"));

        String first = client.get()
                .uri("/opt")
                .exchange()
                .returnResult(String.class)
                .getResponseHeaders()
                .getFirst("X-Request-Id");
        String second = client.get()
                .uri("/opt")
                .exchange()
                .returnResult(String.class)
                .getResponseHeaders()
                .getFirst("X-Request-Id");

        assertThat(first).isNotBlank();
        assertThat(second).isNotBlank().isNotEqualTo(first);
    }
}
