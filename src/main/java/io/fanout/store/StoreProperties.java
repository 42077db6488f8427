package io.fanout.store;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
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
public record StoreProperties(@DefaultValue Listener listener) {

    /**
     * How {@link ConfigChangeListener} keeps up with other instances.
     *
     * @param pollInterval how often the latest version is read even without a notification
     * @param queryTimeout how long that read may take before the connection counts as dead and is replaced
     * @param reconnectBackoff the first wait before reconnecting; doubles (with jitter) on each failure in a row
     * @param reconnectMaxBackoff the longest wait between reconnect attempts
     */
    public record Listener(
            @DefaultValue("5s") Duration pollInterval,
            @DefaultValue("5s") Duration queryTimeout,
            @DefaultValue("100ms") Duration reconnectBackoff,
            @DefaultValue("10s") Duration reconnectMaxBackoff) {

        public Listener {
            requirePositive("poll-interval", pollInterval);
            requirePositive("query-timeout", queryTimeout);
            requirePositive("reconnect-backoff", reconnectBackoff);
            requirePositive("reconnect-max-backoff", reconnectMaxBackoff);
            if (reconnectMaxBackoff.compareTo(reconnectBackoff) < 0) {
                throw new IllegalArgumentException("fanout.store.listener.reconnect-max-backoff must be at least "
                        + "reconnect-backoff (" + reconnectBackoff.toMillis() + "ms) but was "
                        + reconnectMaxBackoff.toMillis() + "ms");
            }
        }

        /** The defaults, for code that builds a listener without Spring. */
        public static Listener defaults() {
            return new Listener(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(100),
                    Duration.ofSeconds(10));
        }

        private static void requirePositive(String name, @Nullable Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("fanout.store.listener." + name + " must be positive but was "
                        + (value == null ? "missing" : value.toMillis() + "ms"));
            }
        }
    }
}
