package io.fanout.engine;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.FanoutIntegrationTests;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CompositeEndpointIntegrationTests extends FanoutIntegrationTests {

    /** 2s: a loaded 2-core box can add a second to a request; the bounds below are whole steps wide. */
    private static final Duration STEP = Duration.ofSeconds(2);

    @Test
    void shouldRunIndependentCallsConcurrently() {
        install("""
                upstreams:
                  a: { url: "${A}", timeout: 10s }
                  b: { url: "${B}", timeout: 10s }
                  c: { url: "${C}", timeout: 10s }
                endpoints:
                  three:
                    path: /three/{id}
                    deadline: 20s
                    calls:
                      one: { upstream: a, path: "/one/{path.id}" }
                      two: { upstream: b, path: "/two/{path.id}" }
                      three: { upstream: c, path: "/three/{path.id}" }
                """);
        A.on("/one/7", json("{\"n\":1}").withDelay(STEP));
        B.on("/two/7", json("{\"n\":2}").withDelay(STEP));
        C.on("/three/7", json("{\"n\":3}").withDelay(STEP));

        client.get().uri("/three/7").exchange().expectStatus().isOk(); // first request in a fresh JVM loads classes
        A.reset();
        B.reset();
        C.reset();
        A.on("/one/7", json("{\"n\":1}").withDelay(STEP));
        B.on("/two/7", json("{\"n\":2}").withDelay(STEP));
        C.on("/three/7", json("{\"n\":3}").withDelay(STEP));

        long start = System.nanoTime();
        var result = client.get()
                .uri("/three/7")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .doesNotExist("Fanout-Partial")
                .expectBody()
                .jsonPath("$.data.one.n")
                .isEqualTo(1)
                .jsonPath("$.data.two.n")
                .isEqualTo(2)
                .jsonPath("$.data.three.n")
                .isEqualTo(3)
                .jsonPath("$.errors")
                .isEmpty()
                .jsonPath("$.meta.partial")
                .isEqualTo(false)
                .jsonPath("$.meta.calls.one.status")
                .isEqualTo(200)
                .jsonPath("$.meta.calls.one.attempts")
                .isEqualTo(1)
                .jsonPath("$.meta.calls.one.source")
                .isEqualTo("network")
                .returnResult();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        // run one after another the three calls take at least 3 steps; together one step plus overhead
        assertThat(elapsedMs).as("concurrent, not serial").isLessThan(3 * STEP.toMillis());
        long first = Math.min(
                A.seen().get(0).startedNanos(),
                Math.min(B.seen().get(0).startedNanos(), C.seen().get(0).startedNanos()));
        long last = Math.max(
                A.seen().get(0).startedNanos(),
                Math.max(B.seen().get(0).startedNanos(), C.seen().get(0).startedNanos()));
        assertThat((last - first) / 1_000_000)
                .as("all three calls started before any answered")
                .isLessThan(STEP.toMillis());
        assertThat(result.getResponseHeaders().getFirst("X-Request-Id")).isNotBlank();
    }
}
