package io.fanout.store;

import java.time.Instant;
import java.util.Objects;

/** Who made a config version, when and why, without the document itself (for version listings). */
public record VersionInfo(long version, Instant createdAt, String createdBy, String reason) {

    public VersionInfo {
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1 but was " + version);
        }
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(reason, "reason");
    }
}
