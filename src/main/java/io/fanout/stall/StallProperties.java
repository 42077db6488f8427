package io.fanout.stall;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Stall detection settings ({@code fanout.stall.*}).
 *
 * @param enabled     probe the event loops at all
 * @param interval    how often each loop is probed (and the watchdog looks)
 * @param threshold   a probe this late is a stall: counted, and logged with the stalled thread's stack
 * @param logInterval at most one warning per loop per this long; the next one says how many were left out
 */
@Validated
@ConfigurationProperties("fanout.stall")
public record StallProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("100ms") Duration interval,
        @DefaultValue("200ms") Duration threshold,
        @DefaultValue("10s") Duration logInterval) {

    public StallProperties {
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("fanout.stall.interval must be at least 1ms but was " + interval);
        }
        if (threshold.toMillis() < 1) {
            throw new IllegalArgumentException("fanout.stall.threshold must be at least 1ms but was " + threshold);
        }
        if (logInterval.isNegative()) {
            throw new IllegalArgumentException("fanout.stall.log-interval must not be negative but was " + logInterval);
        }
    }
}
