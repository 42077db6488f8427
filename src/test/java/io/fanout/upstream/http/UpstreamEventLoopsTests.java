package io.fanout.upstream.http;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fanout.definition.UpstreamDefinition;
import io.fanout.testsupport.FakeUpstream;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.UpstreamRequest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.netty.resources.LoopResources;

/** {@code fanout.upstream.event-loops}: its values, and where an upstream's answer is read over a real socket. */
class UpstreamEventLoopsTests {

    private static final FakeUpstream UPSTREAM = FakeUpstream.start();

    @AfterAll
    static void stop() {
        UPSTREAM.close();
    }

    @Test
    void shouldShareReactorNettysLoopsByDefaultAndCreateOwnOnesForANumber() {
        assertThat(UpstreamEventLoops.shared().resources()).isNull();
        assertThat(UpstreamEventLoops.of(" Shared ").resources()).isNull();
        UpstreamEventLoops two = UpstreamEventLoops.of("2");
        LoopResources resources = Objects.requireNonNull(two.resources());
        try {
            assertThat(resources.isDisposed()).isFalse();
            assertThat(UpstreamEventLoops.count("64")).isEqualTo(64);
        } finally {
            two.dispose();
        }
        assertThat(resources.isDisposed()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "65", "two", "", "2.5"})
    void shouldRejectAnythingElseNamingThePropertyAndTheValue(String value) {
        assertThatThrownBy(() -> UpstreamEventLoops.of(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fanout.upstream.event-loops")
                .hasMessageContaining("'" + value + "'");
    }

    @Test
    void shouldReadTheAnswerOnLoopsOfItsOwnWhenGivenSome() {
        UPSTREAM.on("/x", json("{\"a\":1}"));
        UpstreamEventLoops own = UpstreamEventLoops.of("1");
        try {
            assertThat(answeredOn(own)).isEqualTo("200 on fanout-upstream-epoll-1");
        } finally {
            own.dispose();
        }
    }

    @Test
    void shouldReadTheAnswerOnReactorNettysGlobalLoopsWhenShared() {
        UPSTREAM.on("/x", json("{\"a\":1}"));
        assertThat(answeredOn(UpstreamEventLoops.shared())).startsWith("200 on reactor-http-");
    }

    private static String answeredOn(UpstreamEventLoops loops) {
        HttpUpstreamClient client =
                new HttpUpstreamClient(UpstreamDefinition.http("loops", UPSTREAM.url()), true, loops);
        try {
            UpstreamRequest request = new UpstreamRequest.Http("GET", "/x", List.of(), null, "req-loops", true);
            CallBudget budget = new CallBudget(Duration.ofSeconds(10), CallBudget.now() + 10_000, false);
            return client.exchange(request, budget)
                    .map(r -> r.status() + " on " + Thread.currentThread().getName())
                    .block(Duration.ofSeconds(30));
        } finally {
            client.close();
        }
    }
}
