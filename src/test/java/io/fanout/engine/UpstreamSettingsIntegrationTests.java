package io.fanout.engine;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.FanoutIntegrationTests;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SPEC behaviour that had no test: upstream settings enforced at run time ({@code connect-timeout},
 * {@code max-connections}), hedging only for GETs, {@code rate-limited} as a 503 with {@code Retry-After} over real
 * HTTP, and hop-by-hop headers the client names in {@code Connection} never forwarded.
 */
class UpstreamSettingsIntegrationTests extends FanoutIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JsonNode get(String uri) {
        return JSON.readTree(
                client.get().uri(uri).exchange().expectBody().returnResult().getResponseBody());
    }

    @Test
    void shouldFailAConnectThatTakesLongerThanConnectTimeoutLongBeforeTheCallsTimeout() throws IOException {
        // a listener whose accept queue is full: the kernel drops further SYNs, so a connect hangs until cut
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> filling = new ArrayList<>();
            try {
                fill(full, filling);
                install("""
                        upstreams:
                          stuck: { url: "http://127.0.0.1:PORT", connect-timeout: 200ms, timeout: 8s }
                        endpoints:
                          connect:
                            path: /connect
                            deadline: 9s
                            calls:
                              stuck: { upstream: stuck, path: /x, required: false }
                        """.replace("PORT", Integer.toString(full.getLocalPort())));

                JsonNode answer = get("/connect");

                assertThat(answer.at("/errors/0/type").asString())
                        .as(answer.toString())
                        .isEqualTo("connect-error");
                assertThat(answer.at("/errors/0/message").asString()).contains("connect timed out");
                assertThat(answer.at("/meta/calls/stuck/durationMs").asLong())
                        .as("cut by connect-timeout (200ms), " + "not by the call's 8s timeout")
                        .isLessThan(4000);
            } finally {
                for (Socket s : filling) {
                    s.close();
                }
            }
        }
    }

    private static void fill(ServerSocket listener, List<Socket> filling) throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 500);
                filling.add(s);
            } catch (IOException timedOut) {
                s.close();
                return; // the queue is full
            }
        }
        throw new IllegalStateException("the accept queue never filled up");
    }

    @Test
    void shouldNeverOpenMoreConnectionsToAnUpstreamThanMaxConnections() {
        install("""
                upstreams:
                  narrow: { url: "${A}", max-connections: 2, timeout: 8s }
                endpoints:
                  narrow:
                    path: /narrow/{n}
                    deadline: 9s
                    calls:
                      slow: { upstream: narrow, path: "/slow/{path.n}" }
                """);
        A.on("*", json("{\"ok\":true}").withDelay(Duration.ofMillis(300)));
        WebClient web = WebClient.create("http://127.0.0.1:" + port);

        List<Integer> statuses = Flux.range(0, 6)
                .flatMap(n -> web.get()
                        .uri("/narrow/" + n)
                        .exchangeToMono(
                                r -> r.releaseBody().thenReturn(r.statusCode().value())))
                .collectList()
                .block(Duration.ofSeconds(30));

        assertThat(statuses).hasSize(6).containsOnly(200);
        assertThat(A.seen("/slow/")).hasSize(6);
        assertThat(A.maxInFlight()).isEqualTo(2);
    }

    @Test
    void shouldHedgeGetCallsOnlyNeverAPost() {
        install("""
                upstreams:
                  hedged: { url: "${A}", timeout: 5s, hedge: { after: 50ms, budget: 100% } }
                endpoints:
                  hedging:
                    path: /hedging
                    deadline: 6s
                    calls:
                      read: { upstream: hedged, path: /read }
                      write: { upstream: hedged, path: /write, method: POST, body: { a: 1 } }
                      idempotentWrite: { upstream: hedged, path: /put, method: POST, idempotent: true, body: { a: 2 } }
                """);
        A.on("*", json("{\"ok\":true}").withDelay(Duration.ofMillis(500)));

        JsonNode answer = get("/hedging");

        assertThat(answer.at("/errors").size()).as(answer.toString()).isZero();
        assertThat(A.seen("/read")).as("a GET is hedged after 50ms").hasSize(2);
        assertThat(A.seen("/write")).as("a POST never").hasSize(1);
        assertThat(A.seen("/put"))
                .as("an idempotent POST neither: hedging is for GETs")
                .hasSize(1);
    }

    @Test
    void shouldAnswerARequiredRateLimitedCallWith503AndRetryAfterOverHttp() {
        install("""
                upstreams:
                  limited: { url: "${A}", rate-limit: { rate: 1/m, burst: 1, max-wait: 0ms } }
                endpoints:
                  limited:
                    path: /limited
                    calls:
                      only: { upstream: limited, path: /only }
                """);
        A.on("/only", json("{\"ok\":true}"));

        client.get().uri("/limited").exchange().expectStatus().isOk();
        client.get()
                .uri("/limited")
                .exchange()
                .expectStatus()
                .isEqualTo(503)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader()
                .value(
                        HttpHeaders.RETRY_AFTER,
                        v -> assertThat(Long.parseLong(v)).isBetween(1L, 60L))
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("https://fanout.dev/problems/upstream-unavailable")
                .jsonPath("$.errors[0].type")
                .isEqualTo("rate-limited");
        assertThat(A.seen("/only")).hasSize(1);
    }

    @Test
    void shouldNotForwardAHeaderTheClientNamesInConnectionEvenWhenListed() {
        install("""
                upstreams:
                  a: { url: "${A}" }
                endpoints:
                  forward:
                    path: /forward
                    forward-headers: [X-Trace, Accept-Language]
                    calls:
                      one: { upstream: a, path: /one }
                """);
        A.on("/one", json("{}"));

        client.get()
                .uri("/forward")
                .header("Connection", "keep-alive, X-Trace")
                .header("X-Trace", "t-1")
                .header("Accept-Language", "de")
                .exchange()
                .expectStatus()
                .isOk();

        assertThat(A.seen("/one")).singleElement().satisfies(s -> {
            assertThat(s.header("Accept-Language")).isEqualTo("de");
            assertThat(s.header("X-Trace")).isNull();
        });
    }
}
