package io.fanout.upstream.http;

import static io.fanout.testsupport.FakeUpstream.json;

import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FanoutIntegrationTests;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The application with {@code fanout.upstream.event-loops=2}: a fan-out over real HTTP answers as with the shared
 * loops, and the stall detector watches the upstream clients' own loops.
 */
@TestPropertySource(properties = "fanout.upstream.event-loops=2")
class UpstreamEventLoopsIntegrationTests extends FanoutIntegrationTests {

    @Test
    void shouldFanOutOverLoopsOfItsOwnAndWatchThem() {
        install("""
                upstreams:
                  el-a: { url: "${A}" }
                  el-b: { url: "${B}" }
                  el-c: { url: "${C}" }
                endpoints:
                  el:
                    path: /el/{id}
                    calls:
                      a: { upstream: el-a, path: "/a/{path.id}" }
                      b: { upstream: el-b, path: "/b/{path.id}" }
                      c: { upstream: el-c, path: "/c/{path.id}" }
                """);
        A.on("/a/7", json("{\"n\":1}"));
        B.on("/b/7", json("{\"n\":2}"));
        C.on("/c/7", json("{\"n\":3}"));

        for (int i = 0; i < 10; i++) {
            client.get()
                    .uri("/el/7")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.data.a.n")
                    .isEqualTo(1)
                    .jsonPath("$.data.b.n")
                    .isEqualTo(2)
                    .jsonPath("$.data.c.n")
                    .isEqualTo(3);
        }

        String[] scrape = new String[1];
        Eventually.await(
                Duration.ofSeconds(20),
                "the stall detector's lag of a fanout-upstream loop on /actuator/prometheus",
                () -> {
                    scrape[0] = scrape();
                    return scrape[0].contains("loop=\"fanout-upstream-epoll-");
                },
                () -> scrape[0]
                        .lines()
                        .filter(l -> l.startsWith("fanout_eventloop_lag"))
                        .limit(10)
                        .toList());
    }
}
