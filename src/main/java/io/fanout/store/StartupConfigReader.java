package io.fanout.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;

/**
 * Reads the config version to start with, once, before the server accepts requests: the latest stored version,
 * or (on an empty database) the given document imported as version 1 (SPEC §3).
 *
 * <p>This is the one blocking database access in Fanout, on purpose: the application context is still being
 * built on the main thread, no event loop serves anything yet, and the server must not start before it knows
 * its config. A reactive read would need a {@code block()} here, which hides the same wait behind an operator.
 * It uses a single short-lived pgjdbc connection (the driver Flyway already needs), derived from
 * {@code spring.r2dbc.*} like Flyway's, and closes it before returning.
 */
public final class StartupConfigReader {

    private static final String LATEST = "SELECT version, document::text AS document, created_at, created_by, reason"
            + " FROM config_versions ORDER BY version DESC LIMIT 1";

    // Same statement as ConfigStore#importIfEmpty: two instances starting together on an empty database both
    // pass NOT EXISTS, the second insert waits for the first and then does nothing.
    private static final String IMPORT = "INSERT INTO config_versions (version, document, created_by, reason)"
            + " SELECT 1, CAST(? AS json), ?, ? WHERE NOT EXISTS (SELECT 1 FROM config_versions)"
            + " ON CONFLICT (version) DO NOTHING";

    private final FlywayConnection connection;

    StartupConfigReader(FlywayConnection connection) {
        this.connection = connection;
    }

    /**
     * A reader for the database that {@code spring.r2dbc.url} names (PostgreSQL only).
     *
     * @throws IllegalStateException when the URL is not an {@code r2dbc:postgresql://host:port/database} URL
     */
    public static StartupConfigReader forR2dbc(String r2dbcUrl, @Nullable String username, @Nullable String password) {
        FlywayConnection connection = FlywayConnection.fromR2dbc(r2dbcUrl, username, password);
        if (connection == null) {
            throw new IllegalStateException("Database mode needs PostgreSQL, but spring.r2dbc.url is not an"
                    + " r2dbc:postgresql://host:port/database URL");
        }
        return new StartupConfigReader(connection);
    }

    /**
     * A reader for the database that Boot's R2DBC connection details name (from {@code spring.r2dbc.*}, a
     * {@code @ServiceConnection} or docker compose): the same database the pool uses, whatever configured it.
     *
     * @throws IllegalStateException when the details are not a PostgreSQL connection
     */
    public static StartupConfigReader forConnectionDetails(R2dbcConnectionDetails details) {
        FlywayConnection connection = FlywayConnection.fromOptions(details.getConnectionFactoryOptions(), null, null);
        if (connection == null) {
            throw new IllegalStateException("Database mode needs PostgreSQL, but the R2DBC connection is "
                    + details.getConnectionFactoryOptions().getValue(io.r2dbc.spi.ConnectionFactoryOptions.DRIVER)
                    + "; use an r2dbc:postgresql://host:port/database URL");
        }
        return new StartupConfigReader(connection);
    }

    /**
     * The latest version; when the database has none, {@code importDocument} is stored as version 1 first.
     * {@code importDocument} is only asked for on an empty database, so a start-up file that the database
     * overrides is never read.
     */
    public StoredConfig latestOrImport(Supplier<Map<String, Object>> importDocument, String author, String reason) {
        try (Connection db = connect()) {
            StoredConfig latest = latest(db);
            if (latest != null) {
                return latest;
            }
            try (PreparedStatement insert = db.prepareStatement(IMPORT)) {
                insert.setString(1, Documents.toJson(importDocument.get()));
                insert.setString(2, author);
                insert.setString(3, reason);
                insert.executeUpdate();
            }
            StoredConfig imported = latest(db);
            if (imported == null) {
                throw new IllegalStateException("config_versions is still empty right after importing version 1");
            }
            return imported;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot read the config from the database at " + connection.url() + ": " + e.getMessage(), e);
        }
    }

    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        if (connection.user() != null) {
            properties.setProperty("user", connection.user());
        }
        if (connection.password() != null) {
            properties.setProperty("password", connection.password());
        }
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("ApplicationName", "fanout-startup");
        return DriverManager.getConnection(connection.url(), properties);
    }

    private static @Nullable StoredConfig latest(Connection db) throws SQLException {
        try (PreparedStatement query = db.prepareStatement(LATEST);
                ResultSet row = query.executeQuery()) {
            if (!row.next()) {
                return null;
            }
            Timestamp createdAt = row.getTimestamp("created_at");
            VersionInfo info = new VersionInfo(
                    row.getLong("version"),
                    createdAt.toInstant(),
                    row.getString("created_by"),
                    row.getString("reason"));
            return new StoredConfig(
                    info, Documents.fromJson(row.getString("document").getBytes(StandardCharsets.UTF_8)));
        }
    }
}
