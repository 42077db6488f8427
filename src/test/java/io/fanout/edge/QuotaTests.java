package io.fanout.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.definition.ClientsDefinition;
import io.fanout.definition.Rate;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

/** Token bucket arithmetic, its headers, bounded memory, and the address anonymous callers are metered by. */
class QuotaTests {

    private static final ClientsDefinition.Plan PLAN =
            new ClientsDefinition.Plan("basic", new Rate(2, Duration.ofSeconds(1)), 4);

    private final AtomicLong clock = new AtomicLong();
    private final LocalQuotaStore store = new LocalQuotaStore(clock::get);

    @Test
    void shouldTakeTheBurstThenRefillAtTheRate() {
        for (int i = 0; i < 4; i++) {
            assertThat(store.takeNow("c", PLAN).allowed()).isTrue();
        }

        Quota refused = store.takeNow("c", PLAN);
        clock.addAndGet(Duration.ofMillis(500).toNanos());
        Quota refilled = store.takeNow("c", PLAN);

        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(1);
        assertThat(refused.policyHeader()).isEqualTo("\"basic\";q=4;w=2");
        assertThat(refused.header()).isEqualTo("\"basic\";r=0;t=2");
        assertThat(refilled.allowed()).isTrue();
        assertThat(store.takeNow("other", PLAN).header()).isEqualTo("\"basic\";r=3;t=1");
    }

    @Test
    void shouldHoldABoundedNumberOfBucketsForAnyNumberOfClients() {
        for (int i = 0; i < LocalQuotaStore.MAX_CLIENTS + 20_000; i++) {
            store.takeNow("client-" + i, PLAN);
        }

        assertThat(store.size()).isLessThanOrEqualTo(LocalQuotaStore.MAX_CLIENTS);
    }

    @Test
    void shouldReadForwardedForOnlyFromTrustedProxies() {
        ClientAddress addresses = new ClientAddress(List.of("10.0.0.0/8"));
        MockServerHttpRequest viaProxy = MockServerHttpRequest.get("/x")
                .remoteAddress(new InetSocketAddress("10.1.2.3", 5000))
                .header("X-Forwarded-For", "203.0.113.7, 10.9.9.9")
                .build();
        MockServerHttpRequest forged = MockServerHttpRequest.get("/x")
                .remoteAddress(new InetSocketAddress("198.51.100.1", 5000))
                .header("X-Forwarded-For", "203.0.113.7")
                .build();
        MockServerHttpRequest named = MockServerHttpRequest.get("/x")
                .remoteAddress(new InetSocketAddress("10.1.2.3", 5000))
                .header("X-Forwarded-For", "evil.example.com")
                .build();

        assertThat(addresses.of(viaProxy)).isEqualTo("203.0.113.7");
        assertThat(addresses.of(forged)).isEqualTo("198.51.100.1");
        assertThat(addresses.of(named)).isEqualTo("10.1.2.3");
    }
}
