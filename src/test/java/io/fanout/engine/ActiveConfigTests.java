package io.fanout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.compile.ConfigEnvironment;
import io.fanout.compile.ConfigPipeline;
import io.fanout.plan.CompiledConfig;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.UpstreamRequest;
import io.fanout.upstream.UpstreamResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The background work a swap leaves running belongs to the holder: retired on time, cancelled and closed on close. */
class ActiveConfigTests {

    private final List<Counted> clients = new ArrayList<>();
    private final ConfigPipeline pipeline = new ConfigPipeline(
            u -> {
                Counted c = new Counted(u.url());
                clients.add(c);
                return c;
            },
            new SimpleMeterRegistry(),
            ConfigEnvironment.fileMode(name -> null));

    private final VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();

    @AfterEach
    void resetTime() {
        VirtualTimeScheduler.reset();
    }

    @Test
    void shouldCloseReplacedClientsOnlyAfterTheGracePeriod() {
        CompiledConfig v1 = config("http://127.0.0.1:1", 1, null);
        ActiveConfig active = new ActiveConfig(v1, false);
        CompiledConfig v2 = config("http://127.0.0.1:2", 2, v1);

        active.swap(v2);
        time.advanceTimeBy(Duration.ofSeconds(4));
        int closedEarly = clients.get(0).closes.get();
        time.advanceTimeBy(Duration.ofMinutes(5));

        assertThat(closedEarly).isZero();
        assertThat(clients.get(0).closes).hasValue(1);
        assertThat(clients.get(1).closes).hasValue(0);
    }

    @Test
    void shouldCloseVersionsWaitingToBeRetiredOnCloseAndCancelTheirTimers() {
        CompiledConfig v1 = config("http://127.0.0.1:1", 1, null);
        ActiveConfig active = new ActiveConfig(v1, true);
        active.swap(config("http://127.0.0.1:2", 2, v1));

        active.close();
        time.advanceTimeBy(Duration.ofMinutes(5));

        assertThat(clients).extracting(c -> c.closes.get()).containsExactly(1, 1);
    }

    private CompiledConfig config(String url, long version, CompiledConfig previous) {
        return pipeline.load(ConfigPipeline.read("""
                upstreams:
                  a: { url: "%s" }
                endpoints:
                  e:
                    path: /e
                    calls:
                      x: { upstream: a, path: /x }
                """.formatted(url)), version, previous);
    }

    private static final class Counted implements UpstreamClient {
        final String url;
        final AtomicInteger closes = new AtomicInteger();

        Counted(String url) {
            this.url = url;
        }

        @Override
        public Mono<UpstreamResponse> exchange(UpstreamRequest request, CallBudget budget) {
            return Mono.error(new IllegalStateException("not called"));
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }
}
