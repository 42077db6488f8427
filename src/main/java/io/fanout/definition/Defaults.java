package io.fanout.definition;

import java.time.Duration;
import java.util.Set;

/** Values a config gets when a key is left out; the binder fills them in and the writer leaves them out. */
final class Defaults {

    static final String METHOD = "GET";

    static final Duration BULKHEAD_MAX_WAIT = Duration.ZERO;

    static final Duration RATE_LIMIT_MAX_WAIT = Duration.ZERO;

    static final int RETRY_ATTEMPTS = 3;
    static final Duration RETRY_BACKOFF = Duration.ofMillis(25);
    static final Duration RETRY_MAX_BACKOFF = Duration.ofSeconds(1);
    static final boolean RETRY_ON_CONNECT_ERROR = true;
    static final boolean RETRY_ON_TIMEOUT = false;
    static final Set<Integer> RETRY_STATUSES = Set.of(502, 503, 504);
    static final double RETRY_BUDGET = 0.2;

    static final double CB_FAILURE_RATE = 0.5;
    static final Duration CB_SLOW_CALL = Duration.ofSeconds(1);
    static final double CB_SLOW_CALL_RATE = 1.0;
    static final Duration CB_WINDOW = Duration.ofSeconds(20);
    static final int CB_MIN_CALLS = 20;
    static final Duration CB_OPEN_FOR = Duration.ofSeconds(10);

    static final double HEDGE_BUDGET = 0.05;

    static final Duration CACHE_TTL = Duration.ZERO;
    static final Duration CACHE_STALE_IF_ERROR = Duration.ZERO;

    private Defaults() {}

    /** One second's worth of permits, at least one, so a bucket can always hold a token. */
    static int burst(Rate rate) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(rate.perSecond())));
    }

    /** Never below the backoff itself, so that {@code backoff: 2s} alone is a valid retry policy. */
    static Duration maxBackoff(Duration backoff) {
        return backoff.compareTo(RETRY_MAX_BACKOFF) > 0 ? backoff : RETRY_MAX_BACKOFF;
    }
}
