package io.fanout.plan;

import io.fanout.upstream.ErrorType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The timers of one call: {@code outcome=success}, or the error type's wire name. Registered on first use, then
 * reached without a lookup.
 */
public final class CallTimers {

    static final String NAME = "fanout.calls";
    private static final String DESCRIPTION = "Upstream calls of endpoints";

    private final MeterRegistry registry;
    private final Tags tags;
    private final OutcomeTimers<ErrorType> failures;
    private volatile @Nullable Timer success;

    public CallTimers(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
        this.failures = new OutcomeTimers<>(registry, NAME, DESCRIPTION, tags, ErrorType.class, ErrorType::wireName);
    }

    /** Records a call that succeeded ({@code failure} null) or failed with {@code failure}. */
    public void record(@Nullable ErrorType failure, long nanos) {
        if (failure != null) {
            failures.record(failure, nanos);
            return;
        }
        Timer t = success;
        if (t == null) {
            t = Timer.builder(NAME)
                    .description(DESCRIPTION)
                    .tags(tags)
                    .tag("outcome", "success")
                    .register(registry);
            success = t;
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }
}
