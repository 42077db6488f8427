package io.fanout.definition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns a {@link ConfigDefinition} back into the generic tree the binder reads, in the notations an author writes
 * ({@code 250ms}, {@code 2MB}, {@code 500/s}, {@code 20%}), leaving out keys that hold their default, such that
 * binding {@code document(c)} gives {@code c} again.
 */
public final class ConfigWriter {

    private ConfigWriter() {}

    /** The generic tree of a configuration, secrets as written ({@code ${NAME}}). */
    public static Map<String, Object> document(ConfigDefinition config) {
        Map<String, Object> upstreams = new LinkedHashMap<>();
        config.upstreams().forEach((name, upstream) -> upstreams.put(name, upstream(upstream)));
        Map<String, Object> endpoints = new LinkedHashMap<>();
        config.endpoints().forEach((name, endpoint) -> endpoints.put(name, endpoint(endpoint)));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("upstreams", upstreams);
        document.put("endpoints", endpoints);
        if (!config.clients().equals(ClientsDefinition.NONE)) {
            document.put("clients", clients(config.clients()));
        }
        return document;
    }

    private static Map<String, Object> clients(ClientsDefinition c) {
        Map<String, Object> m = new LinkedHashMap<>();
        ClientsDefinition.Jwt jwt = c.jwt();
        if (jwt != null) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("issuer", jwt.issuer());
            j.put("jwks-uri", jwt.jwksUri());
            j.put("audiences", new ArrayList<>(jwt.audiences()));
            if (!jwt.algorithms().equals(ClientsDefinition.Jwt.DEFAULT_ALGORITHMS)) {
                j.put("algorithms", new ArrayList<>(jwt.algorithms()));
            }
            durationUnless(j, "clock-skew", jwt.clockSkew(), ClientsDefinition.Jwt.DEFAULT_CLOCK_SKEW);
            durationUnless(j, "jwks-cache", jwt.jwksCache(), ClientsDefinition.Jwt.DEFAULT_JWKS_CACHE);
            m.put("jwt", j);
        }
        ClientsDefinition.ApiKeys apiKeys = c.apiKeys();
        if (apiKeys != null) {
            Map<String, Object> a = new LinkedHashMap<>();
            if (!apiKeys.header().equals(ClientsDefinition.ApiKeys.DEFAULT_HEADER)) {
                a.put("header", apiKeys.header());
            }
            Map<String, Object> keys = new LinkedHashMap<>();
            apiKeys.keys().forEach((name, key) -> {
                Map<String, Object> k = new LinkedHashMap<>();
                k.put("sha256", key.sha256());
                putIfNotNull(k, "plan", key.plan());
                keys.put(name, k);
            });
            a.put("keys", keys);
            m.put("api-keys", a);
        }
        if (!c.plans().isEmpty() || c.planClaim() != null) {
            Map<String, Object> plans = new LinkedHashMap<>();
            c.plans().forEach((name, plan) -> {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("rate", ConfigValues.formatRate(plan.rate()));
                if (plan.burst() != Defaults.burst(plan.rate())) {
                    p.put("burst", plan.burst());
                }
                plans.put(name, p);
            });
            putIfNotNull(plans, "plan-claim", c.planClaim());
            m.put("plans", plans);
        }
        if (c.quotaStore() != ClientsDefinition.QuotaStore.LOCAL) {
            m.put("quota-store", c.quotaStore().name().toLowerCase(Locale.ROOT));
        }
        return m;
    }

    private static Map<String, Object> upstream(UpstreamDefinition u) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (u.kind() != UpstreamKind.HTTP) {
            m.put("kind", u.kind().name().toLowerCase(Locale.ROOT));
        }
        if (u.kind() == UpstreamKind.JAVA) {
            putIfNotNull(m, "class", u.className());
        } else {
            m.put("url", u.url());
        }
        durationUnless(m, "timeout", u.timeout(), UpstreamDefinition.DEFAULT_TIMEOUT);
        durationUnless(m, "connect-timeout", u.connectTimeout(), UpstreamDefinition.DEFAULT_CONNECT_TIMEOUT);
        if (u.maxConnections() != UpstreamDefinition.DEFAULT_MAX_CONNECTIONS) {
            m.put("max-connections", u.maxConnections());
        }
        if (u.maxResponseSize() != UpstreamDefinition.DEFAULT_MAX_RESPONSE_SIZE) {
            m.put("max-response-size", ConfigValues.formatSize(u.maxResponseSize()));
        }
        if (!u.headers().isEmpty()) {
            m.put("headers", new LinkedHashMap<>(u.headers()));
        }
        putIfNotNull(m, "username", u.username());
        putIfNotNull(m, "password", u.password());
        if (u.poolSize() != UpstreamDefinition.DEFAULT_POOL_SIZE) {
            m.put("pool-size", u.poolSize());
        }
        if (u.bulkhead() != null) {
            m.put("bulkhead", bulkhead(u.bulkhead()));
        }
        if (u.rateLimit() != null) {
            m.put("rate-limit", rateLimit(u.rateLimit()));
        }
        if (u.retry() != null) {
            m.put("retry", retry(u.retry()));
        }
        if (u.circuitBreaker() != null) {
            m.put("circuit-breaker", circuitBreaker(u.circuitBreaker()));
        }
        if (u.hedge() != null) {
            m.put("hedge", hedge(u.hedge()));
        }
        if (u.cache() != null) {
            m.put("cache", cache(u.cache()));
        }
        if (u.coalesce()) {
            m.put("coalesce", true);
        }
        return m;
    }

    private static Map<String, Object> bulkhead(BulkheadDefinition b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max-concurrent", b.maxConcurrent());
        durationUnless(m, "max-wait", b.maxWait(), Defaults.BULKHEAD_MAX_WAIT);
        ratioUnless(m, "batch-share", b.batchShare(), BulkheadDefinition.DEFAULT_BATCH_SHARE);
        return m;
    }

    private static Map<String, Object> rateLimit(RateLimitDefinition r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rate", ConfigValues.formatRate(r.rate()));
        if (r.burst() != Defaults.burst(r.rate())) {
            m.put("burst", r.burst());
        }
        durationUnless(m, "max-wait", r.maxWait(), Defaults.RATE_LIMIT_MAX_WAIT);
        return m;
    }

    private static Map<String, Object> retry(RetryDefinition r) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (r.attempts() != Defaults.RETRY_ATTEMPTS) {
            m.put("attempts", r.attempts());
        }
        durationUnless(m, "backoff", r.backoff(), Defaults.RETRY_BACKOFF);
        durationUnless(m, "max-backoff", r.maxBackoff(), Defaults.maxBackoff(r.backoff()));
        if (r.onConnectError() != Defaults.RETRY_ON_CONNECT_ERROR
                || r.onTimeout() != Defaults.RETRY_ON_TIMEOUT
                || !r.onStatuses().equals(Defaults.RETRY_STATUSES)) {
            List<Object> on = new ArrayList<>();
            if (r.onConnectError()) {
                on.add(PolicyBinder.RETRY_CONNECT_ERROR);
            }
            if (r.onTimeout()) {
                on.add(PolicyBinder.RETRY_TIMEOUT);
            }
            on.addAll(r.onStatuses());
            m.put("on", on);
        }
        ratioUnless(m, "budget", r.budget(), Defaults.RETRY_BUDGET);
        return m;
    }

    private static Map<String, Object> circuitBreaker(CircuitBreakerDefinition c) {
        Map<String, Object> m = new LinkedHashMap<>();
        ratioUnless(m, "failure-rate", c.failureRate(), Defaults.CB_FAILURE_RATE);
        durationUnless(m, "slow-call", c.slowCall(), Defaults.CB_SLOW_CALL);
        ratioUnless(m, "slow-call-rate", c.slowCallRate(), Defaults.CB_SLOW_CALL_RATE);
        durationUnless(m, "window", c.window(), Defaults.CB_WINDOW);
        if (c.minCalls() != Defaults.CB_MIN_CALLS) {
            m.put("min-calls", c.minCalls());
        }
        durationUnless(m, "open-for", c.openFor(), Defaults.CB_OPEN_FOR);
        return m;
    }

    private static Map<String, Object> hedge(HedgeDefinition h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("after", ConfigValues.formatDuration(h.after()));
        ratioUnless(m, "budget", h.budget(), Defaults.HEDGE_BUDGET);
        return m;
    }

    private static Map<String, Object> cache(CacheDefinition c) {
        Map<String, Object> m = new LinkedHashMap<>();
        durationUnless(m, "ttl", c.ttl(), Defaults.CACHE_TTL);
        durationUnless(m, "stale-if-error", c.staleIfError(), Defaults.CACHE_STALE_IF_ERROR);
        if (c.maxEntries() != CacheDefinition.DEFAULT_MAX_ENTRIES) {
            m.put("max-entries", c.maxEntries());
        }
        if (c.maxBytes() != CacheDefinition.DEFAULT_MAX_BYTES) {
            m.put("max-bytes", ConfigValues.formatSize(c.maxBytes()));
        }
        return m;
    }

    private static Map<String, Object> endpoint(EndpointDefinition e) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!e.method().equals(Defaults.METHOD)) {
            m.put("method", e.method());
        }
        m.put("path", e.path());
        durationUnless(m, "deadline", e.deadline(), EndpointDefinition.DEFAULT_DEADLINE);
        if (e.onFailure() != OnFailure.PARTIAL) {
            m.put("on-failure", e.onFailure().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        if (!e.forwardHeaders().isEmpty()) {
            m.put("forward-headers", new ArrayList<>(e.forwardHeaders()));
        }
        if (e.auth() != AuthMode.NONE) {
            m.put("auth", e.auth().name().toLowerCase(Locale.ROOT));
        }
        if (!e.scopes().isEmpty()) {
            m.put("scopes", new ArrayList<>(e.scopes()));
        }
        Map<String, Object> calls = new LinkedHashMap<>();
        e.calls().forEach((name, call) -> calls.put(name, call(call)));
        m.put("calls", calls);
        return m;
    }

    private static Map<String, Object> call(CallDefinition c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("upstream", c.upstream());
        if (!c.method().equals(Defaults.METHOD)) {
            m.put("method", c.method());
        }
        putIfNotNull(m, "path", c.path());
        if (c.sql() != null) {
            m.put("query", c.sql());
        } else if (!c.query().isEmpty()) {
            m.put("query", new LinkedHashMap<>(c.query()));
        }
        if (!c.headers().isEmpty()) {
            m.put("headers", new LinkedHashMap<>(c.headers()));
        }
        putIfNotNull(m, "body", c.body());
        if (!c.required()) {
            m.put("required", false);
        }
        putIfNotNull(m, "select", c.select());
        if (c.timeout() != null) {
            m.put("timeout", ConfigValues.formatDuration(c.timeout()));
        }
        putIfNotNull(m, "for-each", c.forEach());
        if (c.concurrency() != CallDefinition.DEFAULT_CONCURRENCY) {
            m.put("concurrency", c.concurrency());
        }
        if (c.maxItems() != CallDefinition.DEFAULT_MAX_ITEMS) {
            m.put("max-items", c.maxItems());
        }
        if (c.idempotent()) {
            m.put("idempotent", true);
        }
        if (c.single()) {
            m.put("single", true);
        }
        return m;
    }

    private static void durationUnless(Map<String, Object> m, String key, Duration value, Duration otherwise) {
        if (!value.equals(otherwise)) {
            m.put(key, ConfigValues.formatDuration(value));
        }
    }

    private static void ratioUnless(Map<String, Object> m, String key, double value, double otherwise) {
        if (value != otherwise) {
            m.put(key, ConfigValues.formatRatio(value));
        }
    }

    private static void putIfNotNull(Map<String, Object> m, String key, @Nullable Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
