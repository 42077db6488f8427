package io.fanout.bench;

import io.fanout.definition.BulkheadDefinition;
import io.fanout.definition.CacheDefinition;
import io.fanout.definition.CircuitBreakerDefinition;
import io.fanout.definition.HedgeDefinition;
import io.fanout.definition.Rate;
import io.fanout.definition.RateLimitDefinition;
import io.fanout.definition.RetryDefinition;
import io.fanout.definition.UpstreamDefinition;
import io.fanout.definition.UpstreamKind;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.UpstreamRequest;
import io.fanout.upstream.UpstreamResponse;
import io.fanout.upstream.resilience.ResilientUpstreamClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * What the resilience layer costs per call, with the network taken out: a fan-out of three GETs to three in-memory
 * upstreams that answer canned JSON bodies (~300 B, ~2 KB, ~1 KB) at once, zipped like the engine zips calls.
 *
 * <ul>
 * <li>{@code raw}: the in-memory clients alone (the floor: Reactor plumbing of three calls).</li>
 * <li>{@code none}: each wrapped in {@link ResilientUpstreamClient} without policies, as production wraps every
 * upstream (per-attempt timeout timer, JSON check of the answer, meters, latency window).</li>
 * <li>{@code all}: every policy on and none of them limiting: bulkhead, rate limit, retry with its budget, circuit
 * breaker, hedge (its timer is started and cancelled each call), cache with stale-if-error only (so every call still
 * goes to the upstream and its answer is stored), coalescing (every call leads its own shared call).</li>
 * <li>{@code all-cached}: {@code all} with a 1-minute ttl: every call is a fresh cache hit.</li>
 * <li>{@code bulkhead}, {@code rate-limit}, {@code retry}, {@code breaker}, {@code hedge}: that policy alone (as
 * configured in {@code all}), to see what each one costs.</li>
 * <li>{@code issue16}: the policies of bench/fanout-policies.yaml (bulkhead 256/50 ms, rate limit 10⁶/s, retry 2
 * attempts with 10 ms backoff and a 20% budget, default breaker, hedge after 200 ms with a 5% budget), no cache and
 * no coalescing.</li>
 * </ul>
 *
 * <p>Run with the command in docs/benchmarks-policies.md; it is not run by the test suite.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:+UseSerialGC"})
public class PolicyOverheadBenchmark {

    private static final String[] NAMES = {"users", "orders", "recommendations"};
    private static final int[] BODY_SIZES = {300, 2048, 1024};

    @Param({"raw", "none", "bulkhead", "rate-limit", "retry", "breaker", "hedge", "issue16", "all", "all-cached"})
    public String policies;

    /**
     * Timers kept due sooner than any new attempt timeout on Reactor's parallel scheduler (periodic no-ops every
     * 50 ms, spread over its workers), as the timers of earlier calls still in flight are in a busy gateway. With
     * none, every per-attempt timer becomes the head of its worker's timer queue and wakes the worker thread (an
     * unpark per schedule); behind an earlier timer it does not.
     */
    @Param({"0", "64"})
    public int pendingTimers;

    private final List<Disposable> timers = new ArrayList<>();

    private final UpstreamClient[] clients = new UpstreamClient[3];
    private final UpstreamRequest[] requests = new UpstreamRequest[3];
    private PrometheusMeterRegistry registry;

    @Setup
    public void setUp() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        for (int i = 0; i < pendingTimers; i++) {
            timers.add(Schedulers.parallel().schedulePeriodically(() -> {}, 50, 50, TimeUnit.MILLISECONDS));
        }
        for (int i = 0; i < 3; i++) {
            UpstreamClient transport = new CannedUpstream(body(BODY_SIZES[i]));
            UpstreamDefinition definition = definition(NAMES[i], policies);
            clients[i] =
                    policies.equals("raw") ? transport : new ResilientUpstreamClient(definition, transport, registry);
            requests[i] = new UpstreamRequest.Http("GET", "/" + NAMES[i] + "/42", List.of(), null, "bench", true);
        }
    }

    @TearDown
    public void tearDown() {
        for (UpstreamClient c : clients) {
            c.close();
        }
        registry.close();
        timers.forEach(Disposable::dispose);
        timers.clear();
    }

    @Benchmark
    public Object fanOutOfThree() {
        long deadline = CallBudget.now() + 5_000;
        Duration timeout = Duration.ofSeconds(1);
        return Mono.zip(
                        clients[0].exchange(requests[0], new CallBudget(timeout, deadline, false)),
                        clients[1].exchange(requests[1], new CallBudget(timeout, deadline, false)),
                        clients[2].exchange(requests[2], new CallBudget(timeout, deadline, false)))
                .block();
    }

    static UpstreamDefinition definition(String name, String policies) {
        UpstreamDefinition plain = UpstreamDefinition.http(name, "http://" + name + ".invalid");
        if (policies.equals("raw") || policies.equals("none")) {
            return plain;
        }
        boolean all = policies.startsWith("all");
        Duration ttl = policies.equals("all-cached") ? Duration.ofMinutes(1) : Duration.ZERO;
        BulkheadDefinition bulkhead = new BulkheadDefinition(1000, Duration.ofMillis(20), 0.5);
        RateLimitDefinition rateLimit =
                new RateLimitDefinition(new Rate(1_000_000_000L, Duration.ofSeconds(1)), 1_000_000, Duration.ZERO);
        RetryDefinition retry = new RetryDefinition(
                3, Duration.ofMillis(25), Duration.ofMillis(250), true, false, Set.of(502, 503, 504), 0.2);
        CircuitBreakerDefinition breaker = new CircuitBreakerDefinition(
                0.5, Duration.ofSeconds(1), 1.0, Duration.ofSeconds(20), 20, Duration.ofSeconds(10));
        HedgeDefinition hedge = new HedgeDefinition(Duration.ofMillis(100), 0.05);
        if (policies.equals("issue16")) {
            bulkhead = new BulkheadDefinition(256, Duration.ofMillis(50), 1.0);
            rateLimit = new RateLimitDefinition(new Rate(1_000_000L, Duration.ofSeconds(1)), 1_000_000, Duration.ZERO);
            retry = new RetryDefinition(
                    2, Duration.ofMillis(10), Duration.ofMillis(250), true, false, Set.of(502, 503, 504), 0.2);
            hedge = new HedgeDefinition(Duration.ofMillis(200), 0.05);
        }
        boolean five = all || policies.equals("issue16");
        return new UpstreamDefinition(
                name,
                UpstreamKind.HTTP,
                plain.url(),
                plain.timeout(),
                plain.connectTimeout(),
                plain.maxConnections(),
                plain.maxResponseSize(),
                Map.of(),
                null,
                null,
                plain.poolSize(),
                five || policies.equals("bulkhead") ? bulkhead : null,
                five || policies.equals("rate-limit") ? rateLimit : null,
                five || policies.equals("retry") ? retry : null,
                five || policies.equals("breaker") ? breaker : null,
                five || policies.equals("hedge") ? hedge : null,
                all ? new CacheDefinition(ttl, Duration.ofMinutes(5), 10_000) : null,
                all);
    }

    /** A JSON object of about {@code size} bytes. */
    static byte[] body(int size) {
        StringBuilder sb = new StringBuilder("{\"id\":42,\"items\":[");
        int i = 0;
        while (sb.length() < size - 40) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"n\":").append(i).append(",\"name\":\"item ").append(i).append("\"}");
            i++;
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An upstream in memory: answers the same bytes at once and counts the attempt, as a transport must. */
    static final class CannedUpstream implements UpstreamClient {
        private final UpstreamResponse answer;

        CannedUpstream(byte[] body) {
            this.answer = new UpstreamResponse(200, body, UpstreamResponse.Source.NETWORK);
        }

        @Override
        public Mono<UpstreamResponse> exchange(UpstreamRequest request, CallBudget budget) {
            return Mono.fromSupplier(() -> {
                budget.recordAttempt();
                return answer;
            });
        }
    }
}
