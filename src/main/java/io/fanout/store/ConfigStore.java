package io.fanout.store;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Objects;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Config versions in PostgreSQL: read the latest or any version, and append a new one with optimistic
 * concurrency. Versions are numbered 1, 2, 3… without gaps and never change once written.
 */
public final class ConfigStore {

    /** Author of the version written by {@link #importIfEmpty(Map)}. */
    public static final String IMPORT_AUTHOR = "fanout";

    private static final String COLUMNS = "version, document, created_at, created_by, reason";

    private final DatabaseClient db;

    public ConfigStore(ConnectionFactory connectionFactory) {
        this.db = DatabaseClient.create(connectionFactory);
    }

    /** The newest version; empty when nothing was ever stored. */
    public Mono<StoredConfig> latest() {
        return db.sql("SELECT " + COLUMNS + " FROM config_versions ORDER BY version DESC LIMIT 1")
                .map(ConfigStore::storedConfig)
                .one();
    }

    /** The newest version number, 0 when nothing was ever stored. */
    public Mono<Long> latestVersion() {
        return db.sql("SELECT coalesce(max(version), 0) AS latest FROM config_versions")
                .map(row -> Objects.requireNonNull(row.get("latest", Long.class)))
                .one();
    }

    /** Version {@code n}; empty when there is no such version. */
    public Mono<StoredConfig> version(long n) {
        return db.sql("SELECT " + COLUMNS + " FROM config_versions WHERE version = :version")
                .bind("version", n)
                .map(ConfigStore::storedConfig)
                .one();
    }

    /** Every version, newest first, without documents. */
    public Flux<VersionInfo> versions() {
        return versions(Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** One page of versions older than {@code before}, newest first, without documents. */
    public Flux<VersionInfo> versions(long before, int limit) {
        if (limit < 1) {
            return Flux.error(new IllegalArgumentException("limit must be at least 1 but was " + limit));
        }
        return db.sql("SELECT version, created_at, created_by, reason FROM config_versions"
                        + " WHERE version < :before ORDER BY version DESC LIMIT :limit")
                .bind("before", before)
                .bind("limit", limit)
                .map(ConfigStore::versionInfo)
                .all();
    }

    /**
     * Stores {@code document} as version {@code expectedVersion + 1}, provided {@code expectedVersion} is still the
     * latest (0 for an empty store); otherwise fails with {@link VersionConflict} and stores nothing.
     */
    public Mono<StoredConfig> append(Map<String, Object> document, long expectedVersion, String author, String reason) {
        if (expectedVersion < 0) {
            return Mono.error(
                    new IllegalArgumentException("expected version must not be negative but was " + expectedVersion));
        }
        // One statement, no transaction needed: the WHERE refuses a stale (or future) base version, and when two
        // writers pass it at the same time the primary key lets exactly one insert expectedVersion + 1 (the other
        // waits for the first to commit, then fails with a unique violation).
        return Mono.fromCallable(() -> Documents.toJson(document))
                .flatMap(json -> db.sql("INSERT INTO config_versions (version, document, created_by, reason)"
                                + " SELECT :next, CAST(:document AS json), :author, :reason"
                                + " WHERE (SELECT coalesce(max(version), 0) FROM config_versions) = :expected"
                                + " RETURNING " + COLUMNS)
                        .bind("next", expectedVersion + 1)
                        .bind("document", json)
                        .bind("author", author)
                        .bind("reason", reason)
                        .bind("expected", expectedVersion)
                        .map(ConfigStore::storedConfig)
                        .one())
                .onErrorResume(DuplicateKeyException.class, lostRace -> Mono.empty())
                .switchIfEmpty(Mono.defer(() ->
                        latestVersion().flatMap(latest -> Mono.error(new VersionConflict(expectedVersion, latest)))));
    }

    /**
     * First start with an empty database: stores {@code document} as version 1 and returns it. When any version
     * exists already (also one that another instance imported a moment ago) stores nothing and returns the latest.
     */
    public Mono<StoredConfig> importIfEmpty(Map<String, Object> document) {
        return importIfEmpty(document, IMPORT_AUTHOR, "imported at first start");
    }

    /** {@link #importIfEmpty(Map)} naming who imported it and why. */
    public Mono<StoredConfig> importIfEmpty(Map<String, Object> document, String author, String reason) {
        // ON CONFLICT covers two instances starting together on an empty database: both pass NOT EXISTS, the
        // second one's insert waits for the first, then does nothing, and it reads the first one's version 1.
        return Mono.fromCallable(() -> Documents.toJson(document))
                .flatMap(json -> db.sql("INSERT INTO config_versions (version, document, created_by, reason)"
                                + " SELECT 1, CAST(:document AS json), :author, :reason"
                                + " WHERE NOT EXISTS (SELECT 1 FROM config_versions)"
                                + " ON CONFLICT (version) DO NOTHING"
                                + " RETURNING " + COLUMNS)
                        .bind("document", json)
                        .bind("author", author)
                        .bind("reason", reason)
                        .map(ConfigStore::storedConfig)
                        .one())
                .switchIfEmpty(Mono.defer(this::latest));
    }

    private static StoredConfig storedConfig(Readable row) {
        Json document = Objects.requireNonNull(row.get("document", Json.class));
        return new StoredConfig(versionInfo(row), Documents.fromJson(document.asArray()));
    }

    private static VersionInfo versionInfo(Readable row) {
        OffsetDateTime createdAt = Objects.requireNonNull(row.get("created_at", OffsetDateTime.class));
        Instant instant = createdAt.toInstant();
        return new VersionInfo(
                Objects.requireNonNull(row.get("version", Long.class)),
                instant,
                Objects.requireNonNull(row.get("created_by", String.class)),
                Objects.requireNonNull(row.get("reason", String.class)));
    }
}
