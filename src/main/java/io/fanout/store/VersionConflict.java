package io.fanout.store;

/**
 * A write based on a version that is no longer the latest: someone else changed the config first (the admin
 * API's 412). Stackless: it is an expected outcome of optimistic concurrency, not a bug.
 */
public final class VersionConflict extends RuntimeException {

    private final long expectedVersion;
    private final long latestVersion;

    public VersionConflict(long expectedVersion, long latestVersion) {
        super(
                "config changed concurrently: expected version " + expectedVersion + " to be the latest but it is "
                        + latestVersion,
                null,
                false,
                false);
        this.expectedVersion = expectedVersion;
        this.latestVersion = latestVersion;
    }

    /** The version the write was based on. */
    public long expectedVersion() {
        return expectedVersion;
    }

    /** The latest version when the write was refused (0 when the store is empty). */
    public long latestVersion() {
        return latestVersion;
    }
}
