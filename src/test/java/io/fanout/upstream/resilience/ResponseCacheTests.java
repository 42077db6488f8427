package io.fanout.upstream.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.upstream.UpstreamResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The cache's two bounds: entries and bytes, least recently used first. */
class ResponseCacheTests {

    private static final Duration TTL = Duration.ofMinutes(1);

    private static UpstreamResponse body(int bytes) {
        return new UpstreamResponse(200, new byte[bytes], UpstreamResponse.Source.NETWORK);
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedEntryWhenTheEntryBoundIsReached() {
        ResponseCache cache = new ResponseCache(TTL, Duration.ZERO, 2, Long.MAX_VALUE);
        cache.put("a", body(1));
        cache.put("b", body(1));

        assertThat(cache.fresh("a")).isNotNull(); // a is now more recent than b
        cache.put("c", body(1));

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.fresh("b")).as("least recently used").isNull();
        assertThat(cache.fresh("a")).isNotNull();
        assertThat(cache.fresh("c")).isNotNull();
    }

    @Test
    void shouldEvictUntilTheBytesFitTheByteBound() {
        long one = ResponseCache.weight("a", body(1000));
        ResponseCache cache = new ResponseCache(TTL, Duration.ZERO, 10_000, 3 * one);
        cache.put("a", body(1000));
        cache.put("b", body(1000));
        cache.put("c", body(1000));

        cache.put("d", body(2000));

        assertThat(cache.fresh("a")).isNull();
        assertThat(cache.fresh("b")).isNull();
        assertThat(cache.fresh("c")).isNotNull();
        assertThat(cache.fresh("d")).isNotNull();
        assertThat(cache.bytes())
                .isLessThanOrEqualTo(3 * one)
                .isEqualTo(ResponseCache.weight("c", body(1000)) + ResponseCache.weight("d", body(2000)));
    }

    @Test
    void shouldNotKeepAnAnswerLargerThanTheByteBound() {
        ResponseCache cache = new ResponseCache(TTL, Duration.ZERO, 10, 4096);
        cache.put("small", body(100));

        cache.put("huge", body(10_000));

        assertThat(cache.fresh("huge")).isNull();
        assertThat(cache.fresh("small"))
                .as("nothing is evicted for an answer that cannot fit")
                .isNotNull();
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void shouldCountAReplacedEntryOnce() {
        ResponseCache cache = new ResponseCache(TTL, Duration.ZERO, 10, Long.MAX_VALUE);

        cache.put("a", body(1000));
        cache.put("a", body(10));

        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.bytes()).isEqualTo(ResponseCache.weight("a", body(10)));
    }
}
