package io.fanout.bench;

import io.fanout.json.JacksonParse;
import io.fanout.json.JsonValidator;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Checking that an upstream body is one JSON value before embedding it raw: a Jackson streaming parse with
 * {@code skipChildren} against the byte-level {@link JsonValidator#isValid}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:+UseSerialGC"})
public class JsonValidationBenchmark {

    @Param({"user", "orders", "recommendations"})
    public String body;

    private byte[] bytes;

    @Setup
    public void setUp() {
        bytes = switch (body) {
            case "user" -> Bodies.user();
            case "orders" -> Bodies.orders();
            default -> Bodies.recommendations();
        };
        if (!JacksonParse.accepts(bytes) || !JsonValidator.isValid(bytes)) {
            throw new IllegalStateException("body " + body + " is not valid JSON");
        }
    }

    @Benchmark
    public boolean jackson() {
        return JacksonParse.accepts(bytes);
    }

    @Benchmark
    public boolean bytes() {
        return JsonValidator.isValid(bytes);
    }
}
