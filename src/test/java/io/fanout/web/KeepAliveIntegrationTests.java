package io.fanout.web;

import static io.fanout.testsupport.FakeUpstream.json;
import static io.fanout.testsupport.FakeUpstream.status;

import io.fanout.testsupport.FanoutIntegrationTests;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A client that sends its next request on the same keep-alive connection the moment the previous answer arrived
 * must get every answer. Reactor Netty 1.3.6/1.3.7 left such a request unread until the client gave up
 * (reactor/reactor-netty#4361): within a few hundred requests one hung. See docs/reactor-netty-pin.md.
 */
class KeepAliveIntegrationTests extends FanoutIntegrationTests {

    @Test
    void shouldAnswerEveryRequestOnAReusedConnection() {
        install("""
                upstreams:
                  ka-broken: { url: "${A}", circuit-breaker: { min-calls: 2, failure-rate: 50%, open-for: 60s } }
                  ka-ok: { url: "${B}" }
                endpoints:
                  ka-broken:
                    path: /ka-broken
                    calls:
                      x: { upstream: ka-broken, path: /b }
                  ka-ok:
                    path: /ka-ok
                    calls:
                      x: { upstream: ka-ok, path: /b }
                """);
        A.on("/b", status(500, "{}"));
        B.on("/b", json("{\"a\":1}"));
        // one connection at a time, reused at once: WebTestClient's pooled client over loopback; the timeout is
        // generous for one answer and far below "the client gave up"
        WebTestClient c =
                client.mutate().responseTimeout(Duration.ofSeconds(10)).build();
        for (int i = 0; i < 2000; i++) {
            switch (i % 3) {
                case 0 ->
                    c.get()
                            .uri("/ka-ok")
                            .exchange()
                            .expectStatus()
                            .isOk()
                            .expectBody()
                            .returnResult();
                case 1 ->
                    c.get()
                            .uri("/ka-broken")
                            .exchange()
                            .expectStatus()
                            .is5xxServerError()
                            .expectBody()
                            .returnResult();
                default ->
                    c.get()
                            .uri("/admin/upstreams/ka-broken/status")
                            .header("Authorization", "Bearer " + ADMIN_TOKEN)
                            .exchange()
                            .expectStatus()
                            .isOk()
                            .expectBody()
                            .returnResult();
            }
        }
    }
}
