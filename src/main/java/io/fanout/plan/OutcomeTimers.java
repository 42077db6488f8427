package io.fanout.plan;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Timers of one endpoint or call, one per outcome (an enum constant), each registered on first use and then reached
 * by the constant's position in an array built once: no meter lookup and no allocation on the request path, and
 * no time series for outcomes that never happen.
 *
 * @param <K> the outcomes
 */
public final class OutcomeTimers<K extends Enum<K>> {

    private final AtomicReferenceArray<Timer> timers;
    private final Function<K, Timer> factory;

    /**
     * @param tag the {@code outcome} tag value of each outcome
     */
    public OutcomeTimers(
            MeterRegistry registry,
            String name,
            String description,
            Tags tags,
            Class<K> outcomes,
            Function<K, String> tag) {
        this.timers = new AtomicReferenceArray<>(outcomes.getEnumConstants().length);
        this.factory = outcome -> Timer.builder(name)
                .description(description)
                .tags(tags)
                .tag("outcome", tag.apply(outcome))
                .register(registry);
    }

    public void record(K outcome, long nanos) {
        int i = outcome.ordinal();
        Timer t = timers.get(i);
        if (t == null) {
            t = factory.apply(outcome);
            timers.set(i, t);
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }
}
