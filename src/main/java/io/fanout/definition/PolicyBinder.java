package io.fanout.definition;

import static io.fanout.definition.UpstreamBinder.or;

import io.fanout.definition.Keys.Bulkhead;
import io.fanout.definition.Keys.Cache;
import io.fanout.definition.Keys.CircuitBreaker;
import io.fanout.definition.Keys.Hedge;
import io.fanout.definition.Keys.RateLimit;
import io.fanout.definition.Keys.Retry;
import io.fanout.definition.Keys.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Binds an upstream's resilience policies; each is null when absent or {@code false}. */
final class PolicyBinder {

    static final String RETRY_CONNECT_ERROR = "connect-error";
    static final String RETRY_TIMEOUT = "timeout";

    private static final Pattern STATUS = Pattern.compile("\\d{1,3}");

    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    private PolicyBinder() {}

    /** {@code false} or absent: no policy; {@code true}: the policy with its defaults; a map: its settings. */
    private static @Nullable Section policy(Section upstream, Upstream key, ConfigSection table) {
        if (!upstream.has(key)) {
            return null;
        }
        Object v = upstream.raw(key);
        if (Boolean.FALSE.equals(v)) {
            return null;
        }
        if (Boolean.TRUE.equals(v)) {
            return Section.empty(upstream.problems(), upstream.at(key));
        }
        if (v instanceof Map<?, ?>) {
            return upstream.section(key, table);
        }
        upstream.wrongType(key.key(), "a map of settings (or false)", v);
        return null;
    }

    static @Nullable BulkheadDefinition bulkhead(Section upstream) {
        Section s = policy(upstream, Upstream.BULKHEAD, ConfigSection.BULKHEAD);
        if (s == null) {
            return null;
        }
        if (!s.has(Bulkhead.MAX_CONCURRENT)) {
            s.missing(Bulkhead.MAX_CONCURRENT);
        }
        return new BulkheadDefinition(
                or(s.integer(Bulkhead.MAX_CONCURRENT), 1),
                or(s.duration(Bulkhead.MAX_WAIT), Defaults.BULKHEAD_MAX_WAIT),
                or(s.ratio(Bulkhead.BATCH_SHARE), BulkheadDefinition.DEFAULT_BATCH_SHARE));
    }

    static @Nullable RateLimitDefinition rateLimit(Section upstream) {
        Section s = policy(upstream, Upstream.RATE_LIMIT, ConfigSection.RATE_LIMIT);
        if (s == null) {
            return null;
        }
        Rate rate = or(s.requiredRate(RateLimit.RATE), new Rate(1, ONE_SECOND));
        return new RateLimitDefinition(
                rate,
                or(s.integer(RateLimit.BURST), Defaults.burst(rate)),
                or(s.duration(RateLimit.MAX_WAIT), Defaults.RATE_LIMIT_MAX_WAIT));
    }

    static @Nullable RetryDefinition retry(Section upstream) {
        Section s = policy(upstream, Upstream.RETRY, ConfigSection.RETRY);
        if (s == null) {
            return null;
        }
        int attempts = or(s.integer(Retry.ATTEMPTS), Defaults.RETRY_ATTEMPTS);
        Duration backoff = or(s.duration(Retry.BACKOFF), Defaults.RETRY_BACKOFF);
        Duration maxBackoff = s.duration(Retry.MAX_BACKOFF);
        if (maxBackoff != null && !s.reported(Retry.BACKOFF) && maxBackoff.compareTo(backoff) < 0) {
            s.problem(
                    Retry.MAX_BACKOFF,
                    "must be at least backoff (" + ConfigValues.formatDuration(backoff) + ") but was "
                            + s.raw(Retry.MAX_BACKOFF));
        }
        boolean onConnectError = Defaults.RETRY_ON_CONNECT_ERROR;
        boolean onTimeout = Defaults.RETRY_ON_TIMEOUT;
        Set<Integer> statuses = Defaults.RETRY_STATUSES;
        List<?> on = s.list(Retry.ON);
        if (on != null) {
            onConnectError = false;
            onTimeout = false;
            statuses = new TreeSet<>();
            for (int i = 0; i < on.size(); i++) {
                Object condition = on.get(i);
                if (RETRY_CONNECT_ERROR.equals(condition)) {
                    onConnectError = true;
                } else if (RETRY_TIMEOUT.equals(condition)) {
                    onTimeout = true;
                } else {
                    retryStatus(s, ProblemCollector.at(s.at(Retry.ON), i), condition, statuses);
                }
            }
        }
        return new RetryDefinition(
                attempts,
                backoff,
                or(maxBackoff, Defaults.maxBackoff(backoff)),
                onConnectError,
                onTimeout,
                statuses,
                or(s.ratio(Retry.BUDGET), Defaults.RETRY_BUDGET));
    }

    private static void retryStatus(Section s, String location, @Nullable Object condition, Set<Integer> statuses) {
        if ((Section.isWholeNumber(condition) || condition instanceof String)
                && STATUS.matcher(condition.toString()).matches()) {
            int status = Integer.parseInt(condition.toString());
            if (status == 408 || status == 429 || (status >= 500 && status <= 599)) {
                statuses.add(status);
            } else {
                s.problems()
                        .add(
                                location,
                                "status " + status + " is not retryable",
                                "retry 408, 429 or 500-599; other statuses would fail the same way again");
            }
        } else if (condition instanceof String str) {
            String closest = Suggestions.closest(str, List.of(RETRY_CONNECT_ERROR, RETRY_TIMEOUT));
            s.problems()
                    .add(
                            location,
                            "unknown retry condition '" + str + "'",
                            (closest == null ? "" : "did you mean '" + closest + "'? ")
                                    + "use connect-error, timeout or a status (408, 429, 500-599)");
        } else {
            s.problems()
                    .add(
                            location,
                            "expected connect-error, timeout or a status but was "
                                    + ProblemCollector.describe(condition));
        }
    }

    static @Nullable CircuitBreakerDefinition circuitBreaker(Section upstream) {
        Section s = policy(upstream, Upstream.CIRCUIT_BREAKER, ConfigSection.CIRCUIT_BREAKER);
        if (s == null) {
            return null;
        }
        Duration window = s.duration(CircuitBreaker.WINDOW);
        if (window != null && window.toMillis() % 1000 != 0) {
            // the breaker's sliding time window counts in whole seconds
            s.problem(
                    CircuitBreaker.WINDOW, "must be whole seconds but was " + s.raw(CircuitBreaker.WINDOW), "e.g. 20s");
        }
        return new CircuitBreakerDefinition(
                or(s.ratio(CircuitBreaker.FAILURE_RATE), Defaults.CB_FAILURE_RATE),
                or(s.duration(CircuitBreaker.SLOW_CALL), Defaults.CB_SLOW_CALL),
                or(s.ratio(CircuitBreaker.SLOW_CALL_RATE), Defaults.CB_SLOW_CALL_RATE),
                or(window, Defaults.CB_WINDOW),
                or(s.integer(CircuitBreaker.MIN_CALLS), Defaults.CB_MIN_CALLS),
                or(s.duration(CircuitBreaker.OPEN_FOR), Defaults.CB_OPEN_FOR));
    }

    static @Nullable HedgeDefinition hedge(Section upstream) {
        Section s = policy(upstream, Upstream.HEDGE, ConfigSection.HEDGE);
        if (s == null) {
            return null;
        }
        return new HedgeDefinition(
                or(s.requiredDuration(Hedge.AFTER), ONE_SECOND), or(s.ratio(Hedge.BUDGET), Defaults.HEDGE_BUDGET));
    }

    static @Nullable CacheDefinition cache(Section upstream) {
        Section s = policy(upstream, Upstream.CACHE, ConfigSection.CACHE);
        if (s == null) {
            return null;
        }
        return new CacheDefinition(
                or(s.duration(Cache.TTL), Defaults.CACHE_TTL),
                or(s.duration(Cache.STALE_IF_ERROR), Defaults.CACHE_STALE_IF_ERROR),
                or(s.integer(Cache.MAX_ENTRIES), CacheDefinition.DEFAULT_MAX_ENTRIES),
                or(s.size(Cache.MAX_BYTES), CacheDefinition.DEFAULT_MAX_BYTES));
    }
}
