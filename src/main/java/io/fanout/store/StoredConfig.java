package io.fanout.store;

import java.util.Map;
import java.util.Objects;

/**
 * One stored config version: the whole document exactly as written (key order kept, {@code ${SECRET}}
 * references unexpanded) plus its {@link VersionInfo}. The document is a read-only generic tree of
 * {@code Map<String, Object>}, {@code List<Object>}, {@code String}, {@code Number}, {@code Boolean} and
 * {@code null}.
 */
public record StoredConfig(VersionInfo info, Map<String, Object> document) {

    public StoredConfig {
        Objects.requireNonNull(info, "info");
        document = Documents.readOnly(Objects.requireNonNull(document, "document"));
    }

    public long version() {
        return info.version();
    }
}
