package io.fanout.engine;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.fanout.testsupport.FanoutIntegrationTest;

class CompositeEndpointTest extends FanoutIntegrationTest {

    @Test
    void shouldRunIndependentCallsConcurrently() {
        install("""
                upstreams:
                  a: { url: "${A}" }
                  b: { url: "${B}" }
                  c: { url: "${C}" }
                endpoints:
                  three:
                    path: /three/{id}
                    calls:
                      one: { upstream: a, path: "/one/{path.id}" }
                      two: { upstream: b, path: "/two/{path.id}" }
                      three: { upstream: c, path: "/three/{path.id}" }
                """);
        A.on("/one/7", json("{\"n\":1}").withDelay(Duration.ofMillis(300)));
        B.on("/two/7", json("{\"n\":2}").withDelay(Duration.ofMillis(300)));
        C.on("/three/7", json("{\"n\":3}").withDelay(Duration.ofMillis(300)));

        client.get().uri("/three/7").exchange().expectStatus().isOk(); // first request in a fresh JVM loads classes
        A.reset();
        B.reset();
        C.reset();
        A.on("/one/7", json("{\"n\":1}").withDelay(Duration.ofMillis(300)));
        B.on("/two/7", json("{\"n\":2}").withDelay(Duration.ofMillis(300)));
        C.on("/three/7", json("{\"n\":3}").withDelay(Duration.ofMillis(300)));

        long start = System.nanoTime();
        var result = client.get().uri("/three/7").exchange()
                .expectStatus().isOk()
                .expectHeader().doesNotExist("Fanout-Partial")
                .expectBody()
                .jsonPath("$.data.one.n").isEqualTo(1)
                .jsonPath("$.data.two.n").isEqualTo(2)
                .jsonPath("$.data.three.n").isEqualTo(3)
                .jsonPath("$.errors").isEmpty()
                .jsonPath("$.meta.partial").isEqualTo(false)
                .jsonPath("$.meta.calls.one.status").isEqualTo(200)
                .jsonPath("$.meta.calls.one.attempts").isEqualTo(1)
                .jsonPath("$.meta.calls.one.source").isEqualTo("network")
                .returnResult();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(elapsedMs).isLessThan(600);
        long first = Math.min(A.seen().get(0).startedNanos(), Math.min(B.seen().get(0).startedNanos(),
                C.seen().get(0).startedNanos()));
        long last = Math.max(A.seen().get(0).startedNanos(), Math.max(B.seen().get(0).startedNanos(),
                C.seen().get(0).startedNanos()));
        assertThat((last - first) / 1_000_000).as("all three calls started before any answered").isLessThan(300);
        assertThat(result.getResponseHeaders().getFirst("X-Request-Id")).isNotBlank();
    }
}
