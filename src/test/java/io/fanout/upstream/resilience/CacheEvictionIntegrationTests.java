package io.fanout.upstream.resilience;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.FanoutIntegrationTests;
import org.junit.jupiter.api.Test;

/**
 * The response cache's bounds seen from a client over loopback HTTP (docs/cache.md): past {@code max-entries} or
 * {@code max-bytes} the least recently used answer is fetched from the network again, and an answer larger than
 * {@code max-bytes} is never served from the cache.
 */
class CacheEvictionIntegrationTests extends FanoutIntegrationTests {

    @Test
    void shouldEvictTheLeastRecentlyUsedAnswerPastMaxEntries() {
        install("""
                upstreams:
                  ce-count:
                    url: "${A}"
                    cache: { ttl: 10m, max-entries: 2 }
                endpoints:
                  ce-count:
                    path: /ce-count/{id}
                    calls:
                      x: { upstream: ce-count, path: "/ce/{path.id}" }
                """);
        A.on("*", json("{\"ok\":true}"));

        expectSource("/ce-count/1", "network");
        expectSource("/ce-count/2", "network");
        expectSource("/ce-count/1", "cache"); // 1 is now the most recently used
        expectSource("/ce-count/3", "network"); // evicts 2

        expectSource("/ce-count/1", "cache");
        expectSource("/ce-count/2", "network");
        assertThat(A.seen("/ce/1")).hasSize(1);
        assertThat(A.seen("/ce/2")).hasSize(2);
    }

    @Test
    void shouldEvictPastMaxBytesAndNeverCacheAnAnswerLargerThanIt() {
        install("""
                upstreams:
                  ce-bytes:
                    url: "${A}"
                    cache: { ttl: 10m, max-bytes: 1KB }
                endpoints:
                  ce-bytes:
                    path: /ce-bytes/{id}
                    calls:
                      x: { upstream: ce-bytes, path: "/cb/{path.id}" }
                """);
        String medium = "{\"pad\":\"" + "m".repeat(600) + "\"}"; // one fits in 1KB, two do not
        String large = "{\"pad\":\"" + "l".repeat(2000) + "\"}";
        A.on("/cb/1", json(medium));
        A.on("/cb/2", json(medium));
        A.on("/cb/big", json(large));

        expectSource("/ce-bytes/1", "network");
        expectSource("/ce-bytes/1", "cache");
        expectSource("/ce-bytes/2", "network"); // 1 + 2 exceed 1KB: 1 goes
        expectSource("/ce-bytes/2", "cache");
        expectSource("/ce-bytes/1", "network");
        expectSource("/ce-bytes/big", "network");
        expectSource("/ce-bytes/big", "network");

        assertThat(A.seen("/cb/1")).hasSize(2);
        assertThat(A.seen("/cb/big")).hasSize(2);
    }

    private void expectSource(String uri, String source) {
        client.get()
                .uri(uri)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.meta.calls.x.source")
                .isEqualTo(source);
    }
}
