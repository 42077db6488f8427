package io.fanout.bench;

import io.fanout.compile.ConfigEnvironment;
import io.fanout.compile.ConfigPipeline;
import io.fanout.compile.UpstreamClientFactory;
import io.fanout.engine.CompositeResult;
import io.fanout.engine.Engine;
import io.fanout.engine.RequestInput;
import io.fanout.json.JsonBytes;
import io.fanout.plan.CompiledConfig;
import io.fanout.plan.RouteTable;
import io.fanout.render.Envelope;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.fanout.upstream.TransportExchange;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.UpstreamRequest;
import io.fanout.upstream.UpstreamResponse;
import io.fanout.upstream.resilience.ResilientUpstreamClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

/**
 * The engine's own cost per composite request, with the network taken out: upstreams are in memory and answer
 * canned bodies at once, so what is measured is route lookup, planning, rendering upstream requests, the Reactor
 * plumbing of the calls, JSON validation or parsing of the bodies, the envelope and the timers.
 *
 * <ul>
 * <li>{@code fanout3}: three independent calls whose bodies (~300 B, ~2 KB, ~1 KB, like the load harness's
 * users/orders/recommendations) are embedded as validated raw bytes: the harness's fan-out-of-three route.</li>
 * <li>{@code chain}: {@code user}, then {@code orders} and {@code recs} built from {@code user.id}: the first body is
 * parsed into a tree because later calls read it.</li>
 * </ul>
 * {@code transport}: {@code plain} is the in-memory client alone; {@code resilient} wraps it in
 * {@link ResilientUpstreamClient} without policies, as production does for every upstream.
 *
 * <p>Run with {@code bench/jmh.sh} (see docs/benchmarks.md); it is not run by the test suite.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:+UseSerialGC"})
public class EngineBenchmark {

    static final String CONFIG = """
            upstreams:
              users: { url: "http://users.invalid", timeout: 1s }
              orders: { url: "http://orders.invalid", timeout: 1s }
              recommendations: { url: "http://recommendations.invalid", timeout: 1s }
            endpoints:
              fanout3:
                path: /users/{id}/overview
                deadline: 5s
                on-failure: fail-fast
                calls:
                  user: { upstream: users, path: "/users/{path.id}" }
                  orders: { upstream: orders, path: "/orders/{path.id}" }
                  recommendations: { upstream: recommendations, path: "/recommendations/{path.id}" }
              chain:
                path: /users/{id}/chain
                deadline: 5s
                calls:
                  user: { upstream: users, path: "/users/{path.id}" }
                  orders: { upstream: orders, path: "/orders/{user.id}" }
                  recs: { upstream: recommendations, path: "/recommendations/{user.id}", query: { tier: "{user.tier}" } }
            """;

    @Param({"fanout3", "chain"})
    public String endpoint;

    @Param({"plain", "resilient", "policies"})
    public String transport;

    /** The policies of bench/fanout-policies.yaml, added to every upstream for {@code transport=policies}. */
    static final String POLICIES = "bulkhead: {max-concurrent: 256, max-wait: 50ms}, rate-limit: {rate: 1000000/s},"
            + " retry: {attempts: 2, backoff: 10ms, budget: 20%}, circuit-breaker: true,"
            + " hedge: {after: 200ms, budget: 5%}, ";

    private CompositeResult rendered;

    private PrometheusMeterRegistry registry;
    private CompiledConfig config;
    private Engine engine;
    private String path;

    @Setup(Level.Trial)
    public void setUp() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Map<String, byte[]> bodies =
                Map.of("users", Bodies.user(), "orders", Bodies.orders(), "recommendations", Bodies.recommendations());
        UpstreamClientFactory factory = u -> {
            UpstreamClient memory = new InMemoryUpstream(bodies.get(u.name()));
            return "plain".equals(transport) ? memory : new ResilientUpstreamClient(u, memory, registry);
        };
        String yaml =
                "policies".equals(transport) ? CONFIG.replace("timeout: 1s }", POLICIES + "timeout: 1s }") : CONFIG;
        config = new ConfigPipeline(factory, registry, ConfigEnvironment.empty())
                .load(ConfigPipeline.read(yaml), 1, null);
        engine = new Engine();
        path = "fanout3".equals(endpoint) ? "/users/42/overview" : "/users/42/chain";
        RouteTable.Found found = (RouteTable.Found) config.routes().find("GET", path);
        CompositeResult check = engine.answer(engine.start(
                        found.endpoint(),
                        new RequestInput("check", found.pathVariables(), name -> null, name -> null, null),
                        false))
                .block();
        if (check == null || check.status() != 200 || check.partial()) {
            JsonBytes answer = check == null ? new JsonBytes(1) : Envelope.render(check);
            throw new IllegalStateException(
                    "unexpected answer: " + new String(answer.buffer(), 0, answer.size(), StandardCharsets.UTF_8));
        }
        rendered = check;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        config.close();
        registry.close();
    }

    /** One request as the web layer runs it: route lookup, the engine's result, the rendered envelope. */
    @Benchmark
    public JsonBytes request() {
        RouteTable.Found found = (RouteTable.Found) config.routes().find("GET", path);
        RequestInput input =
                new RequestInput("bench-request-id", found.pathVariables(), name -> null, name -> null, null);
        CompositeResult result =
                engine.answer(engine.start(found.endpoint(), input, false)).block();
        return Envelope.render(java.util.Objects.requireNonNull(result));
    }

    /** The envelope writer alone: the answer of one request (computed once in set-up) written as its bytes. */
    @Benchmark
    public Object envelope() {
        return Envelope.render(rendered);
    }

    private final org.springframework.core.io.buffer.DataBufferFactory pooled =
            new org.springframework.core.io.buffer.NettyDataBufferFactory(
                    io.netty.buffer.PooledByteBufAllocator.DEFAULT);

    /** The envelope as the web layer writes it: into one pooled buffer of its exact size (released here). */
    @Benchmark
    public int envelopePooled() {
        org.springframework.core.io.buffer.DataBuffer b = Envelope.render(
                rendered, (bytes, length) -> pooled.allocateBuffer(length).write(bytes, 0, length));
        int n = b.readableByteCount();
        org.springframework.core.io.buffer.DataBufferUtils.release(b);
        return n;
    }

    /**
     * An upstream that answers a canned 200 body at once, through the exchange preamble every transport uses
     * (attempt counting, the JSON verdict), so its cost is measured as a real transport pays it.
     */
    static final class InMemoryUpstream implements UpstreamClient {
        private final Mono<UpstreamResponse> response;
        private final TransportExchange<UpstreamRequest.Http> preamble = new TransportExchange<>(
                "memory",
                UpstreamRequest.Http.class,
                false,
                (e, limit) -> new CallFailure(ErrorType.INVALID_RESPONSE, "?"));
        private final TransportExchange.Attempt<UpstreamRequest.Http> attempt;

        InMemoryUpstream(byte[] body) {
            this.response = Mono.just(new UpstreamResponse(200, body, UpstreamResponse.Source.NETWORK));
            this.attempt = (request, limit) -> response;
        }

        @Override
        public Mono<UpstreamResponse> exchange(UpstreamRequest request, CallBudget budget) {
            return preamble.exchange(request, budget, attempt);
        }
    }
}
