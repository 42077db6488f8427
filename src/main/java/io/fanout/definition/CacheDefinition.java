package io.fanout.definition;

import java.time.Duration;

/**
 * GET only, in memory, bounded.
 *
 * @param ttl          fresh answers are served from the cache for this long (0 = never fresh)
 * @param staleIfError the last good answer is served for this long when the call fails (0 = never)
 * @param maxEntries   bound of the cache (default 10000)
 */
public record CacheDefinition(Duration ttl, Duration staleIfError, int maxEntries) {
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
}
