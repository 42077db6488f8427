package io.fanout.upstream.resilience;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.fanout.upstream.UpstreamResponse;

/**
 * A bounded LRU of the last good answer per request identity: fresh for {@code ttl}, then usable as a stale
 * fallback for {@code staleIfError} more (RFC 5861's meaning). A {@code LinkedHashMap} under one lock is enough here:
 * the critical sections are a map lookup, and a dependency like Caffeine would buy little at these sizes.
 */
final class ResponseCache {

    private record Entry(UpstreamResponse response, long storedAtMillis) {
    }

    private final long ttlMillis;
    private final long staleMillis;
    private final LinkedHashMap<String, Entry> entries;

    ResponseCache(Duration ttl, Duration staleIfError, int maxEntries) {
        this.ttlMillis = Math.max(0, ttl.toMillis());
        this.staleMillis = Math.max(0, staleIfError.toMillis());
        int bound = Math.max(1, maxEntries);
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > bound;
            }
        };
    }

    boolean servesFresh() {
        return ttlMillis > 0;
    }

    boolean servesStale() {
        return staleMillis > 0;
    }

    void put(String key, UpstreamResponse response) {
        if (ttlMillis == 0 && staleMillis == 0) {
            return;
        }
        Entry entry = new Entry(response.withSource(UpstreamResponse.Source.NETWORK), ReactorClock.nowMillis());
        synchronized (entries) {
            entries.put(key, entry);
        }
    }

    /** The answer if it is younger than ttl. */
    @Nullable UpstreamResponse fresh(String key) {
        return ttlMillis == 0 ? null : youngerThan(key, ttlMillis);
    }

    /** The answer if it is younger than ttl + stale-if-error. */
    @Nullable UpstreamResponse stale(String key) {
        return staleMillis == 0 ? null : youngerThan(key, ttlMillis + staleMillis);
    }

    private @Nullable UpstreamResponse youngerThan(String key, long maxAgeMillis) {
        long now = ReactorClock.nowMillis();
        synchronized (entries) {
            Entry e = entries.get(key);
            if (e == null) {
                return null;
            }
            long age = now - e.storedAtMillis();
            if (age >= ttlMillis + staleMillis || age < 0) {
                entries.remove(key); // useless for both purposes now
                return null;
            }
            return age < maxAgeMillis ? e.response() : null;
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
