package io.fanout.definition;

import java.time.Duration;

/**
 * GET only, in memory, bounded by entries and by bytes.
 *
 * @param ttl          fresh answers are served from the cache for this long (0 = never fresh)
 * @param staleIfError the last good answer is served for this long when the call fails (0 = never)
 * @param maxEntries   most answers kept (default 10000)
 * @param maxBytes     most bytes of answers kept, bodies and headers (default 64MB)
 */
public record CacheDefinition(Duration ttl, Duration staleIfError, int maxEntries, long maxBytes) {

    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

    /** With the default byte bound. */
    public CacheDefinition(Duration ttl, Duration staleIfError, int maxEntries) {
        this(ttl, staleIfError, maxEntries, DEFAULT_MAX_BYTES);
    }
}
