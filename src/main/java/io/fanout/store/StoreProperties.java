package io.fanout.store;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tuning of database mode, under {@code fanout.store}; the connection itself is Boot's {@code spring.r2dbc.*}.
 *
 * @param listener how this instance hears about config changes made through other instances
 */
@Validated
@ConfigurationProperties("fanout.store")
public record StoreProperties(@DefaultValue @Valid Listener listener) {

    /**
     * How {@link ConfigChangeListener} keeps up with other instances.
     *
     * @param pollInterval how often the latest version is read even without a notification
     * @param queryTimeout how long that read may take before the connection counts as dead and is replaced
     * @param reconnectBackoff the first wait before reconnecting; doubles (with jitter) on each failure in a row
     * @param reconnectMaxBackoff the longest wait between reconnect attempts
     */
    public record Listener(
            @DefaultValue("5s") @NotNull @DurationMin(nanos = 0, inclusive = false)
            Duration pollInterval,

            @DefaultValue("5s") @NotNull @DurationMin(nanos = 0, inclusive = false)
            Duration queryTimeout,

            @DefaultValue("100ms") @NotNull @DurationMin(nanos = 0, inclusive = false)
            Duration reconnectBackoff,

            @DefaultValue("10s") @NotNull @DurationMin(nanos = 0, inclusive = false)
            Duration reconnectMaxBackoff) {

        /** The one rule between two properties, checked by Bean Validation with the others. */
        @AssertTrue(message = "reconnect-max-backoff must be at least reconnect-backoff")
        public boolean isReconnectMaxBackoffAtLeastBackoff() {
            return reconnectMaxBackoff == null
                    || reconnectBackoff == null
                    || reconnectMaxBackoff.compareTo(reconnectBackoff) >= 0;
        }

        /** The defaults, for code that builds a listener without Spring. */
        public static Listener defaults() {
            return new Listener(
                    Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(10));
        }
    }
}
