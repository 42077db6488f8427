package io.fanout.edge;

import static io.fanout.testsupport.FakeUpstream.json;
import static io.fanout.testsupport.FakeUpstream.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.FakeUpstream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/** The JWKS cache against a loopback JWKS, with a clock the test moves: refresh limits, failures, stale keys. */
class JwksCacheIntegrationTests {

    private static final FakeUpstream SERVER = FakeUpstream.start();
    private static final String K1 = TestTokens.jwks(TestTokens.ec("k1"));
    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    private JwksCache cache;

    @BeforeEach
    void setUp() {
        SERVER.reset();
        SERVER.on("/jwks", json(K1));
        cache = new JwksCache(SERVER.url() + "/jwks", Duration.ofMinutes(5), HttpClient.create(), clock::get);
    }

    @AfterAll
    static void stop() {
        SERVER.close();
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    private int fetches() {
        return SERVER.seen("/jwks").size();
    }

    private static <T> T await(Mono<T> mono) {
        return mono.blockOptional(Duration.ofSeconds(30)).orElseThrow();
    }

    @Test
    void shouldRefreshForAnUnknownKidAtMostOncePer30Seconds() {
        assertThat(await(cache.keys("k1")).has("k1")).isTrue();

        assertThat(await(cache.keys("k2")).has("k2")).isFalse();
        assertThat(await(cache.keys("k3")).has("k3")).isFalse();
        assertThat(fetches()).isEqualTo(2);

        advance(Duration.ofSeconds(31));
        SERVER.on("/jwks", json(TestTokens.jwks(TestTokens.ec("k1"), TestTokens.ec("k3"))));
        assertThat(await(cache.keys("k3")).has("k3")).isTrue();
        assertThat(fetches()).isEqualTo(3);
        assertThat(await(cache.keys("k1")).has("k1")).isTrue();
        assertThat(fetches()).isEqualTo(3);
    }

    @Test
    void shouldAnswer503UntilTheBackoffThenRetryTheFetch() {
        SERVER.on("/jwks", status(500, "{}"));

        StepVerifier.create(cache.keys("k1"))
                .expectErrorSatisfies(e ->
                        assertThat(((EdgeRefusal.Refused) e).refusal().status()).isEqualTo(503))
                .verify(Duration.ofSeconds(30));
        StepVerifier.create(cache.keys("k1"))
                .expectError(EdgeRefusal.Refused.class)
                .verify(Duration.ofSeconds(30));
        assertThat(fetches()).isEqualTo(1);

        advance(JwksCache.FAILURE_BACKOFF.plusSeconds(1));
        SERVER.on("/jwks", json(K1));
        assertThat(await(cache.keys("k1")).has("k1")).isTrue();
        assertThat(fetches()).isEqualTo(2);
    }

    @Test
    void shouldKeepUsingTheLastKeysWhenARefetchAfterExpiryFails() {
        assertThat(await(cache.keys("k1")).has("k1")).isTrue();
        SERVER.on("/jwks", status(503, "{}"));

        advance(Duration.ofMinutes(6));

        assertThat(await(cache.keys("k1")).has("k1")).isTrue();
        assertThat(fetches()).isEqualTo(2);
    }
}
