package io.fanout.upstream.resilience;

import io.fanout.upstream.UpstreamResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A bounded LRU of the last good answer per request identity: fresh for {@code ttl}, then usable as a stale
 * fallback for {@code staleIfError} more (RFC 5861's meaning). Bounded twice, since clients choose the keys: by
 * entries and by bytes (bodies and keys, plus a fixed overhead per entry); the least recently used entries go first
 * until both bounds hold, and an answer larger than the byte bound is not kept at all.
 *
 * <p>A {@code LinkedHashMap} under one lock, not Caffeine: Caffeine bounds either by count or by weight, never both
 * (its builder refuses {@code maximumSize} with {@code maximumWeight}), and under write load its writers may wait on
 * its eviction lock, which BlockHound reports on an event loop. The critical sections here are a map operation and
 * an eviction loop that removes what the last put pushed over a bound (docs/cache.md).
 */
final class ResponseCache {

    /** What an entry costs besides its body and key: the entry, its record, the map node, the array. */
    static final int ENTRY_OVERHEAD = 128;

    private record Entry(UpstreamResponse response, long storedAtMillis, long weight) {}

    private final long ttlMillis;
    private final long staleMillis;
    private final int maxEntries;
    private final long maxBytes;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    ResponseCache(Duration ttl, Duration staleIfError, int maxEntries, long maxBytes) {
        this.ttlMillis = Math.max(0, ttl.toMillis());
        this.staleMillis = Math.max(0, staleIfError.toMillis());
        this.maxEntries = Math.max(1, maxEntries);
        this.maxBytes = Math.max(1, maxBytes);
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
        long weight = weight(key, response);
        Entry entry = new Entry(response.withSource(UpstreamResponse.Source.NETWORK), ReactorClock.nowMillis(), weight);
        synchronized (entries) {
            Entry old = entries.remove(key);
            if (old != null) {
                bytes -= old.weight();
            }
            if (weight > maxBytes) {
                return; // would evict everything else and still not fit
            }
            entries.put(key, entry);
            bytes += weight;
            Iterator<Entry> eldest = entries.values().iterator();
            while ((entries.size() > maxEntries || bytes > maxBytes) && eldest.hasNext()) {
                bytes -= eldest.next().weight();
                eldest.remove();
            }
        }
    }

    /** The answer if it is younger than ttl. */
    @Nullable
    UpstreamResponse fresh(String key) {
        return ttlMillis == 0 ? null : youngerThan(key, ttlMillis);
    }

    /** The answer if it is younger than ttl + stale-if-error. */
    @Nullable
    UpstreamResponse stale(String key) {
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
                bytes -= e.weight();
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

    /** Bytes the entries are counted as. */
    long bytes() {
        synchronized (entries) {
            return bytes;
        }
    }

    static long weight(String key, UpstreamResponse response) {
        return (long) response.body().length + 2L * key.length() + ENTRY_OVERHEAD;
    }
}
