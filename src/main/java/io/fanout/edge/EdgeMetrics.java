package io.fanout.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * The edge's metrics: {@code fanout.edge.refusals{reason}} (invalid_token, insufficient_scope, quota, ...),
 * {@code fanout.edge.quota.store{store}} (1 while the configured store answers, 0 while falling back) and
 * {@code fanout.edge.quota.fallbacks} (requests metered locally because Redis did not answer).
 */
final class EdgeMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
    private final Counter fallbacks;

    EdgeMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.fallbacks = Counter.builder("fanout.edge.quota.fallbacks")
                .description("Requests metered by local buckets because the Redis quota store did not answer")
                .register(registry);
    }

    void refused(String reason) {
        refusals.computeIfAbsent(
                        reason,
                        r -> Counter.builder("fanout.edge.refusals")
                                .description("Requests to endpoints with auth refused, by reason")
                                .tag("reason", r)
                                .register(registry))
                .increment();
    }

    void quotaFallback() {
        fallbacks.increment();
    }

    void quotaStore(DoubleSupplier state) {
        Gauge.builder("fanout.edge.quota.store", state, DoubleSupplier::getAsDouble)
                .description("1 while the Redis quota store answers, 0 while this instance meters locally")
                .tag("store", "redis")
                .strongReference(true)
                .register(registry);
    }
}
