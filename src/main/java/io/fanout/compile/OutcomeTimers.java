package io.fanout.compile;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Timers of one endpoint or call, one per outcome, registered on first use and then reached by index: no meter
 * lookup on the request path.
 */
public final class OutcomeTimers {

    private final AtomicReferenceArray<Timer> timers;
    private final IntFunction<Timer> factory;

    OutcomeTimers(MeterRegistry registry, String name, String description, Tags tags, String[] outcomes) {
        this.timers = new AtomicReferenceArray<>(outcomes.length);
        this.factory = i -> Timer.builder(name).description(description).tags(tags).tag("outcome", outcomes[i])
                .register(registry);
    }

    public void record(int outcome, long nanos) {
        Timer t = timers.get(outcome);
        if (t == null) {
            t = factory.apply(outcome);
            timers.set(outcome, t);
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }
}
