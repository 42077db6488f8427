package io.fanout.bench;

import io.fanout.definition.UpstreamDefinition;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.UpstreamRequest;
import io.fanout.upstream.http.HttpUpstreamClient;
import io.fanout.upstream.resilience.ResilientUpstreamClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.util.List;
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
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * One upstream call over a real loopback socket through {@link HttpUpstreamClient}: request building (Reactor Netty's
 * client configuration), the pooled connection, the body read into the answer, the exchange preamble, and with
 * {@code resilient} the policy chain without policies. The upstream is an in-process Reactor Netty server answering
 * the ~2 KB orders body with a {@code Content-Length}. Allocation (B/op) counts both sides in this JVM, the server's
 * share being constant; times include the loopback round trip and are noisy on a shared box.
 *
 * <p>Run with {@code bench/jmh.sh HttpTransportBenchmark -prof gc}; it is not run by the test suite.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:+UseSerialGC"})
public class HttpTransportBenchmark {

    @Param({"plain", "resilient"})
    public String transport;

    private DisposableServer server;
    private UpstreamClient client;
    private PrometheusMeterRegistry registry;
    private final UpstreamRequest request =
            new UpstreamRequest.Http("GET", "/orders/42", List.of(), null, "bench-request-id", true);

    @Setup
    public void setUp() {
        byte[] body = Bodies.orders();
        server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle((req, res) -> res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
                        .sendByteArray(Mono.just(body)))
                .bindNow();
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        UpstreamDefinition upstream = UpstreamDefinition.http("orders", "http://127.0.0.1:" + server.port());
        client = "plain".equals(transport)
                ? new HttpUpstreamClient(upstream)
                : new ResilientUpstreamClient(upstream, new HttpUpstreamClient(upstream, false), registry);
        // the first calls load classes and open the connection: on a loaded box that can take seconds
        for (int i = 0; i < 20; i++) {
            client.exchange(request, new CallBudget(Duration.ofSeconds(30), CallBudget.now() + 60_000, false))
                    .block();
        }
    }

    @TearDown
    public void tearDown() {
        client.close();
        server.disposeNow(Duration.ofSeconds(5));
        registry.close();
    }

    @Benchmark
    public Object call() {
        return client.exchange(request, new CallBudget(Duration.ofSeconds(2), CallBudget.now() + 5_000, false))
                .block();
    }
}
