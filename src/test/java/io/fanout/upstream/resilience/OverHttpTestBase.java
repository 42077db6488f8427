package io.fanout.upstream.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.definition.UpstreamDefinition;
import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FakeUpstream;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.fanout.upstream.UpstreamStatus;
import io.fanout.upstream.http.HttpUpstreamClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Base of the tests that drive {@link ResilientUpstreamClient} over the real HTTP transport against a fake upstream
 * on a loopback socket (BlockHound is installed for every test): clients built as the application builds them,
 * the at-rest check every test ends with, and the helpers that mix real I/O with virtual time.
 *
 * <p>Virtual time and real sockets: a timer (timeout, backoff, token wait) is only on the virtual clock once the
 * real I/O before it has happened, so tests first wait (in real time, on the test thread) for an effect they can
 * see — the upstream received the request, a retry was counted — and only then advance the virtual clock, or step
 * it in small increments until the next real effect shows ({@link #stepUntil}).
 */
abstract class OverHttpTestBase {

    static final Duration SECOND = Duration.ofSeconds(1);
    static final Duration LONG = Duration.ofSeconds(30);
    static final Duration VERIFY = Duration.ofSeconds(15);
    private static final RandomGenerator NO_JITTER = () -> 0L;

    static FakeUpstream upstream;

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<ResilientUpstreamClient> clients = new ArrayList<>();

    @BeforeAll
    static void startUpstream() {
        upstream = FakeUpstream.start();
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(ResilientUpstreamClient::close);
        upstream.reset();
    }

    /** The upstream "users" on the fake upstream's socket, no policies. */
    static UpstreamDefinition users() {
        return Upstreams.at(upstream.url());
    }

    /** A client built like the application's: the real transport without its own timer, wrapped by the policies. */
    ResilientUpstreamClient client(UpstreamDefinition definition) {
        ResilientUpstreamClient c = new ResilientUpstreamClient(
                definition, new HttpUpstreamClient(definition, false), registry, () -> NO_JITTER);
        clients.add(c);
        return c;
    }

    double gauge(String name) {
        Gauge g = registry.find(UpstreamMetrics.PREFIX + name)
                .tag("upstream", "users")
                .gauge();
        return g == null ? 0 : g.value();
    }

    /** A counter's count (plain or function counter), 0 when it was never registered. */
    double counter(String name, String... tags) {
        Search search = registry.find(UpstreamMetrics.PREFIX + name)
                .tag("upstream", "users")
                .tags(tags);
        Counter c = search.counter();
        if (c != null) {
            return c.count();
        }
        FunctionCounter f = search.functionCounter();
        return f == null ? 0 : f.count();
    }

    static ErrorType type(Throwable e) {
        assertThat(e).isInstanceOf(CallFailure.class);
        return ((CallFailure) e).type();
    }

    /** Waits (real time) until the upstream has received {@code n} requests. */
    static void awaitSeen(int n) {
        Eventually.await(
                Duration.ofSeconds(5),
                n + " requests at the upstream",
                () -> upstream.seen().size() >= n,
                () -> upstream.seen().size());
    }

    static void await(String what, BooleanSupplier condition) {
        Eventually.await(Duration.ofSeconds(5), what, condition, () -> "something else");
    }

    /**
     * Advances the installed virtual clock by {@code step} at a time, letting real I/O run between steps, until
     * {@code condition} holds. Robust against a timer that is scheduled a little after the test starts stepping.
     */
    static void stepUntil(Duration step, String what, BooleanSupplier condition) {
        VirtualTimeScheduler clock = VirtualTimeScheduler.get();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("still waiting for " + what).isLessThan(end);
            clock.advanceTimeBy(step);
            try {
                Thread.sleep(5); // test thread: lets the event loops deliver what the step released
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Every permit, waiter and gauge of {@code c} is back to zero and the upstream has nothing in flight (a
     * cancelled attempt's connection was really closed). Waited for, because permits are returned just after the
     * caller got its signal, on the event loop that delivered it.
     */
    void assertAtRest(ResilientUpstreamClient c) {
        Eventually.await(
                Duration.ofSeconds(5),
                "every permit, waiter and gauge back to zero",
                () -> atRest(c),
                () -> describe(c));
    }

    private boolean atRest(ResilientUpstreamClient c) {
        AsyncBulkhead b = c.bulkhead();
        AsyncRateLimiter r = c.rateLimiter();
        Coalescer co = c.coalescer();
        UpstreamStatus s = c.status();
        return upstream.inFlight() == 0
                && (b == null || b.inUse() == 0 && b.waiting() == 0 && b.batchInUse() == 0)
                && (r == null || r.waiting() == 0)
                && (co == null || co.inFlight() == 0)
                && gauge("bulkhead.in.use") == 0
                && gauge("bulkhead.waiting") == 0
                && gauge("bulkhead.batch.in.use") == 0
                && gauge("ratelimiter.waiting") == 0
                && zeroOrNull(s.bulkheadInUse())
                && zeroOrNull(s.bulkheadWaiting())
                && zeroOrNull(s.rateLimiterWaiting());
    }

    private static boolean zeroOrNull(Integer value) {
        return value == null || value == 0;
    }

    private String describe(ResilientUpstreamClient c) {
        return "upstream in flight " + upstream.inFlight() + ", " + c.status() + ", coalescing "
                + (c.coalescer() == null ? "off" : c.coalescer().inFlight());
    }
}
