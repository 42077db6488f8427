package io.fanout.definition;

import static io.fanout.definition.ConfigBinder.or;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/** Binds an upstream's resilience policies; each is null when absent or {@code false}. */
final class PolicyBinder {

    static final List<String> BULKHEAD_KEYS = List.of("max-concurrent", "max-wait", "batch-share");
    static final List<String> RATE_LIMIT_KEYS = List.of("rate", "burst", "max-wait");
    static final List<String> RETRY_KEYS = List.of("attempts", "backoff", "max-backoff", "on", "budget");
    static final List<String> CIRCUIT_BREAKER_KEYS = List.of("failure-rate", "slow-call", "slow-call-rate", "window",
            "min-calls", "open-for");
    static final List<String> HEDGE_KEYS = List.of("after", "budget");
    static final List<String> CACHE_KEYS = List.of("ttl", "stale-if-error", "max-entries");
    static final String RETRY_CONNECT_ERROR = "connect-error";
    static final String RETRY_TIMEOUT = "timeout";

    private static final Pattern STATUS = Pattern.compile("\\d{1,3}");

    private static final Duration ONE_MS = Duration.ofMillis(1);
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    private PolicyBinder() {
    }

    /** {@code false} or absent: no policy; {@code true}: the policy with its defaults; a map: its settings. */
    private static @Nullable Section policy(Section upstream, String key, List<String> allowed) {
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
            return upstream.section(key, allowed);
        }
        upstream.wrongType(key, "a map of settings (or false)", v);
        return null;
    }

    static @Nullable BulkheadDefinition bulkhead(Section upstream) {
        Section s = policy(upstream, "bulkhead", BULKHEAD_KEYS);
        if (s == null) {
            return null;
        }
        if (!s.has("max-concurrent")) {
            s.missing("max-concurrent");
        }
        return new BulkheadDefinition(
                or(s.integer("max-concurrent", 1), 1),
                or(s.duration("max-wait", Duration.ZERO), Defaults.BULKHEAD_MAX_WAIT),
                or(s.ratio("batch-share", false), BulkheadDefinition.DEFAULT_BATCH_SHARE));
    }

    static @Nullable RateLimitDefinition rateLimit(Section upstream) {
        Section s = policy(upstream, "rate-limit", RATE_LIMIT_KEYS);
        if (s == null) {
            return null;
        }
        Rate rate = or(s.requiredRate("rate"), new Rate(1, ONE_SECOND));
        return new RateLimitDefinition(
                rate,
                or(s.integer("burst", 1), Defaults.burst(rate)),
                or(s.duration("max-wait", Duration.ZERO), Defaults.RATE_LIMIT_MAX_WAIT));
    }

    static @Nullable RetryDefinition retry(Section upstream) {
        Section s = policy(upstream, "retry", RETRY_KEYS);
        if (s == null) {
            return null;
        }
        int attempts = or(s.integer("attempts", 1), Defaults.RETRY_ATTEMPTS);
        Duration backoff = or(s.duration("backoff", Duration.ZERO), Defaults.RETRY_BACKOFF);
        Duration maxBackoff = s.duration("max-backoff", Duration.ZERO);
        if (maxBackoff != null && !s.reported("backoff") && maxBackoff.compareTo(backoff) < 0) {
            s.problem("max-backoff", "must be at least backoff (" + ConfigValues.formatDuration(backoff)
                    + ") but was " + s.raw("max-backoff"));
        }
        boolean onConnectError = Defaults.RETRY_ON_CONNECT_ERROR;
        boolean onTimeout = Defaults.RETRY_ON_TIMEOUT;
        Set<Integer> statuses = Defaults.RETRY_STATUSES;
        List<?> on = s.list("on");
        if (on != null) {
            onConnectError = false;
            onTimeout = false;
            statuses = new TreeSet<>();
            for (int i = 0; i < on.size(); i++) {
                String location = Problems.at(s.at("on"), i);
                Object condition = on.get(i);
                if (RETRY_CONNECT_ERROR.equals(condition)) {
                    onConnectError = true;
                } else if (RETRY_TIMEOUT.equals(condition)) {
                    onTimeout = true;
                } else if ((Section.isWholeNumber(condition) || condition instanceof String)
                        && STATUS.matcher(condition.toString()).matches()) {
                    int status = Integer.parseInt(condition.toString());
                    if (status == 408 || status == 429 || (status >= 500 && status <= 599)) {
                        statuses.add(status);
                    } else {
                        s.problems().add(location, "status " + status + " is not retryable",
                                "retry 408, 429 or 500-599; other statuses would fail the same way again");
                    }
                } else if (condition instanceof String str) {
                    String closest = Suggestions.closest(str, List.of(RETRY_CONNECT_ERROR, RETRY_TIMEOUT));
                    s.problems().add(location, "unknown retry condition '" + str + "'",
                            (closest == null ? "" : "did you mean '" + closest + "'? ")
                                    + "use connect-error, timeout or a status (408, 429, 500-599)");
                } else {
                    s.problems().add(location, "expected connect-error, timeout or a status but was "
                            + Problems.describe(condition));
                }
            }
        }
        return new RetryDefinition(attempts, backoff, or(maxBackoff, Defaults.maxBackoff(backoff)), onConnectError,
                onTimeout, statuses, or(s.ratio("budget", true), Defaults.RETRY_BUDGET));
    }

    static @Nullable CircuitBreakerDefinition circuitBreaker(Section upstream) {
        Section s = policy(upstream, "circuit-breaker", CIRCUIT_BREAKER_KEYS);
        if (s == null) {
            return null;
        }
        Duration window = s.duration("window", ONE_SECOND);
        if (window != null && window.toMillis() % 1000 != 0) {
            // the breaker's sliding time window counts in whole seconds
            s.problem("window", "must be whole seconds but was " + s.raw("window"), "e.g. 20s");
        }
        return new CircuitBreakerDefinition(
                or(s.ratio("failure-rate", false), Defaults.CB_FAILURE_RATE),
                or(s.duration("slow-call", ONE_MS), Defaults.CB_SLOW_CALL),
                or(s.ratio("slow-call-rate", false), Defaults.CB_SLOW_CALL_RATE),
                or(window, Defaults.CB_WINDOW),
                or(s.integer("min-calls", 1), Defaults.CB_MIN_CALLS),
                or(s.duration("open-for", ONE_MS), Defaults.CB_OPEN_FOR));
    }

    static @Nullable HedgeDefinition hedge(Section upstream) {
        Section s = policy(upstream, "hedge", HEDGE_KEYS);
        if (s == null) {
            return null;
        }
        return new HedgeDefinition(
                or(s.requiredDuration("after", ONE_MS), ONE_SECOND),
                or(s.ratio("budget", false), Defaults.HEDGE_BUDGET));
    }

    static @Nullable CacheDefinition cache(Section upstream) {
        Section s = policy(upstream, "cache", CACHE_KEYS);
        if (s == null) {
            return null;
        }
        return new CacheDefinition(
                or(s.duration("ttl", Duration.ZERO), Defaults.CACHE_TTL),
                or(s.duration("stale-if-error", Duration.ZERO), Defaults.CACHE_STALE_IF_ERROR),
                or(s.integer("max-entries", 1), CacheDefinition.DEFAULT_MAX_ENTRIES));
    }
}
