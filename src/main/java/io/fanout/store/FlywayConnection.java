package io.fanout.store;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The JDBC coordinates Flyway migrates with, derived from the R2DBC URL so that operators configure the database
 * once (SPEC §3). Only PostgreSQL URLs are understood; anything else derives nothing.
 */
record FlywayConnection(
        String url, @Nullable String user, @Nullable String password) {

    private static final Option<String> SSL_MODE = Option.valueOf("sslMode");
    private static final Option<String> SCHEMA = Option.valueOf("schema");

    /**
     * {@code r2dbc:postgresql://u:p@host:5432/db?sslMode=require} (also {@code r2dbc:pool:postgresql:…} and
     * {@code r2dbcs:…}) becomes {@code jdbc:postgresql://host:5432/db?sslmode=require}. Explicit
     * {@code username}/{@code password} win over the URL's user info, as they do for Boot's R2DBC connection.
     */
    static @Nullable FlywayConnection fromR2dbc(String r2dbcUrl, @Nullable String username, @Nullable String password) {
        ConnectionFactoryOptions options;
        try {
            options = ConnectionFactoryOptions.parse(r2dbcUrl);
        } catch (IllegalArgumentException malformed) {
            return null; // Boot's R2DBC auto-configuration reports a malformed URL with better context
        }
        return fromOptions(options, username, password);
    }

    /**
     * The same from R2DBC options, e.g. those of an {@code R2dbcConnectionDetails} bean ({@code @ServiceConnection},
     * docker compose); explicit {@code username}/{@code password} win over the options' user and password.
     */
    static @Nullable FlywayConnection fromOptions(
            ConnectionFactoryOptions options, @Nullable String username, @Nullable String password) {
        Object driver = options.getValue(ConnectionFactoryOptions.DRIVER);
        if ("pool".equals(driver)) {
            driver = options.getValue(ConnectionFactoryOptions.PROTOCOL);
        }
        Object host = options.getValue(ConnectionFactoryOptions.HOST);
        if (!("postgresql".equals(driver) || "postgres".equals(driver)) || host == null) {
            return null;
        }
        StringBuilder url = new StringBuilder("jdbc:postgresql://");
        String hostName = host.toString();
        url.append(hostName.contains(":") && !hostName.startsWith("[") ? "[" + hostName + "]" : hostName);
        Object port = options.getValue(ConnectionFactoryOptions.PORT);
        if (port != null) {
            url.append(':').append(port);
        }
        url.append('/');
        Object database = options.getValue(ConnectionFactoryOptions.DATABASE);
        if (database != null) {
            url.append(database);
        }
        List<String> parameters = new ArrayList<>();
        Object sslMode = options.getValue(SSL_MODE);
        if (sslMode != null) {
            parameters.add(
                    "sslmode=" + sslMode.toString().toLowerCase(Locale.ROOT).replace('_', '-'));
        } else if (Boolean.TRUE.equals(options.getValue(ConnectionFactoryOptions.SSL))) {
            parameters.add("sslmode=require");
        }
        Object schema = options.getValue(SCHEMA);
        if (schema != null) {
            parameters.add("currentSchema=" + schema);
        }
        if (!parameters.isEmpty()) {
            url.append('?').append(String.join("&", parameters));
        }
        Object urlUser = options.getValue(ConnectionFactoryOptions.USER);
        Object urlPassword = options.getValue(ConnectionFactoryOptions.PASSWORD);
        return new FlywayConnection(
                url.toString(),
                username != null ? username : urlUser == null ? null : urlUser.toString(),
                password != null ? password : urlPassword == null ? null : urlPassword.toString());
    }
}
