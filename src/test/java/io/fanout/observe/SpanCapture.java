package io.fanout.observe;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * An in-memory span exporter for the tracing tests: Boot adds every {@link SpanProcessor} bean to its SDK tracer
 * provider, and a simple (synchronous) processor hands each sampled span over the moment it ends.
 */
@TestConfiguration(proxyBeanMethods = false)
public class SpanCapture {

    public static final List<SpanData> SPANS = new CopyOnWriteArrayList<>();

    /** The finished spans of one trace. */
    public static List<SpanData> ofTrace(String traceId) {
        return SPANS.stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    @Bean
    SpanProcessor inMemorySpans() {
        return SimpleSpanProcessor.create(new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                SPANS.addAll(spans);
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        });
    }
}
