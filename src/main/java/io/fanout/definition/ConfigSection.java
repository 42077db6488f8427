package io.fanout.definition;

import java.util.List;

/**
 * Every section of a config document with its key table, in document order. The binder reads each section through
 * its table; a JSON Schema generator walks the same tables, so a key cannot exist in one and not the other.
 */
public enum ConfigSection {
    DOCUMENT("", List.of(Keys.Top.values())),
    UPSTREAM("upstreams.<name>", List.of(Keys.Upstream.values())),
    BULKHEAD("upstreams.<name>.bulkhead", List.of(Keys.Bulkhead.values())),
    RATE_LIMIT("upstreams.<name>.rate-limit", List.of(Keys.RateLimit.values())),
    RETRY("upstreams.<name>.retry", List.of(Keys.Retry.values())),
    CIRCUIT_BREAKER("upstreams.<name>.circuit-breaker", List.of(Keys.CircuitBreaker.values())),
    HEDGE("upstreams.<name>.hedge", List.of(Keys.Hedge.values())),
    CACHE("upstreams.<name>.cache", List.of(Keys.Cache.values())),
    ENDPOINT("endpoints.<name>", List.of(Keys.Endpoint.values())),
    CALL("endpoints.<name>.calls.<call>", List.of(Keys.Call.values())),
    CLIENTS("clients", List.of(Keys.Clients.values())),
    JWT("clients.jwt", List.of(Keys.Jwt.values())),
    API_KEYS("clients.api-keys", List.of(Keys.ApiKeys.values())),
    API_KEY("clients.api-keys.keys.<name>", List.of(Keys.ApiKey.values())),
    /** Named plans ({@link #PLAN}) next to its own keys. */
    PLANS("clients.plans", List.of(Keys.Plans.values())),
    PLAN("clients.plans.<name>", List.of(Keys.Plan.values()));

    private final String location;
    private final List<ConfigKey> keys;
    private final List<String> names;

    ConfigSection(String location, List<ConfigKey> keys) {
        this.location = location;
        this.keys = List.copyOf(keys);
        this.names = keys.stream().map(ConfigKey::key).toList();
    }

    /** Where the section sits, with {@code <name>} for the author's names ({@code upstreams.<name>.retry}). */
    public String location() {
        return location;
    }

    /** The section's keys in the order the reference documents them. */
    public List<ConfigKey> keys() {
        return keys;
    }

    /** The key names, for "unknown key" checks and their hints. */
    public List<String> names() {
        return names;
    }
}
