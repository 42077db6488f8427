package io.fanout.testsupport;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A freshly created PostgreSQL database of its own for a test class, so runs (and classes) never see each
 * other's rows. Dropped by {@link #close()}, or at JVM exit at the latest.
 *
 * <p>The server is chosen once per JVM by {@value #MODE_VARIABLE} (environment, or the system property
 * {@value #MODE_PROPERTY}); see {@link Mode}. The default, {@code auto}, tries in this order: {@value #URL_VARIABLE},
 * the local PostgreSQL on 127.0.0.1:5432 (what CI here uses), Testcontainers when a Docker engine answers, a
 * {@link PrivatePostgres} cluster when the server binaries are installed; otherwise the test fails saying what
 * to set up. Never a silent skip. {@code testcontainers} and {@code private} log in with a password (SCRAM), which
 * the machine's trust-auth PostgreSQL never asks for.
 *
 * <p>Plain tests use {@link #connectionFactory()} and close the database in {@code @AfterAll}. A
 * {@code @SpringBootTest} feeds {@link #registerProperties} to a {@code @DynamicPropertySource} method, adds
 * {@code @DirtiesContext} and leaves dropping to JVM exit: JUnit runs {@code @AfterAll} before Spring closes the
 * context, and a database dropped under a live context makes its connections fail noisily. Blocking JDBC is used
 * here for set-up only, on test threads.
 */
public final class TestDatabase implements AutoCloseable {

    /** Which server the tests use: {@code auto} (default), {@code url}, {@code local}, {@code private}, {@code testcontainers}. */
    public static final String MODE_VARIABLE = "FANOUT_TEST_DB";

    public static final String MODE_PROPERTY = "fanout.test.db";
    /** {@code r2dbc:postgresql://user:password@host:port}: a server of your own, a role allowed to CREATE DATABASE. */
    public static final String URL_VARIABLE = "FANOUT_TEST_DB_URL";

    public static final String URL_PROPERTY = "fanout.test.db.url";

    /** Where the test databases live. */
    public enum Mode {
        /** {@code url}, else {@code local} if it answers, else {@code testcontainers} if Docker answers, else {@code private}. */
        AUTO,
        /** The server {@value #URL_VARIABLE} names. */
        URL,
        /** PostgreSQL on 127.0.0.1:5432, user {@code postgres} without a password (trust auth). */
        LOCAL,
        /** A {@link PrivatePostgres} cluster started for this JVM (password auth). */
        PRIVATE,
        /** A {@code postgres:16-alpine} container for this JVM (password auth); offline, see the README. */
        TESTCONTAINERS;

        /** The configured mode; an unknown value fails instead of quietly testing against something else. */
        public static Mode configured() {
            String value = setting(MODE_PROPERTY, MODE_VARIABLE);
            if (value == null) {
                return AUTO;
            }
            for (Mode mode : values()) {
                if (mode.name().equalsIgnoreCase(value)) {
                    return mode;
                }
            }
            throw new IllegalStateException(MODE_VARIABLE + " must be one of auto, url, local, private, "
                    + "testcontainers but was '" + value + "'");
        }
    }

    /** The image Testcontainers runs; the same tag docker-compose.yml uses. */
    public static final String CONTAINER_IMAGE = "postgres:16-alpine";

    private static final Set<TestDatabase> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> OPEN.forEach(database -> {
                            try {
                                database.close();
                            } catch (RuntimeException serverAlreadyGone) {
                                // at exit a private cluster or container may stop first (hooks run in no order);
                                // nothing to drop then
                            }
                        }),
                        "drop-test-databases"));
    }

    private final Server server;
    private final String name;
    private final PostgresqlConnectionFactory connectionFactory;

    private TestDatabase(Server server, String name) {
        this.server = server;
        this.name = name;
        this.connectionFactory = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                .host(server.host())
                .port(server.port())
                .username(server.user())
                .password(server.password())
                .database(name)
                .build());
    }

    /** A new, empty database. */
    public static TestDatabase create() {
        Server server = ServerHolder.server();
        String name =
                "fanout_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        server.execute("CREATE DATABASE " + name);
        TestDatabase database = new TestDatabase(server, name);
        OPEN.add(database);
        return database;
    }

    /** A new database with Fanout's Flyway migrations applied. */
    public static TestDatabase createMigrated() {
        TestDatabase database = create();
        database.migrate();
        return database;
    }

    /** Applies {@code classpath:db/migration} as the application's Flyway would. */
    public void migrate() {
        Flyway.configure()
                .dataSource(jdbcUrl(), username(), password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    public String name() {
        return name;
    }

    /** {@code r2dbc:postgresql://host:port/name}, credentials not included. */
    public String r2dbcUrl() {
        return "r2dbc:postgresql://" + server.host() + ":" + server.port() + "/" + name;
    }

    public String jdbcUrl() {
        return server.jdbcUrl(name);
    }

    public String username() {
        return server.user();
    }

    public @Nullable String password() {
        return server.password();
    }

    /** The driver's non-pooled factory: each {@code create()} opens a new session on this database. */
    public PostgresqlConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    /** Runs SQL on this database over JDBC, blocking: for test set-up and for acting "from outside". */
    public void execute(String sql) {
        try (Connection connection = server.connect(name);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Test database " + name + " refused: " + sql, e);
        }
    }

    /** Runs a query that answers one number (a count, a pid) over JDBC, blocking. */
    public long queryForLong(String sql) {
        try (Connection connection = server.connect(name);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            if (!result.next()) {
                throw new IllegalStateException("No row from: " + sql);
            }
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Test database " + name + " refused: " + sql, e);
        }
    }

    /** {@code spring.r2dbc.*} only: Fanout derives {@code spring.flyway.*} from them. */
    public void registerR2dbcProperties(DynamicPropertyRegistry registry) {
        registry.add("spring.r2dbc.url", this::r2dbcUrl);
        registry.add("spring.r2dbc.username", this::username);
        registry.add("spring.r2dbc.password", () -> password() == null ? "" : password());
    }

    /** {@code spring.r2dbc.*} and {@code spring.flyway.*}, for a {@code @DynamicPropertySource} method. */
    public void registerProperties(DynamicPropertyRegistry registry) {
        registerR2dbcProperties(registry);
        registry.add("spring.flyway.url", this::jdbcUrl);
        registry.add("spring.flyway.user", this::username);
        registry.add("spring.flyway.password", () -> password() == null ? "" : password());
    }

    /** Drops the database, closing whatever sessions are still open on it. */
    @Override
    public void close() {
        if (OPEN.remove(this)) {
            server.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    @Override
    public String toString() {
        return name + " on " + server.description();
    }

    /** The server this JVM's tests use, and what kind it is (for tests that need to know, e.g. password login). */
    public static String serverDescription() {
        return ServerHolder.server().description();
    }

    /** Found on first use, once per JVM; a failure is remembered and reported to every class that asks again. */
    private static final class ServerHolder {

        private static @Nullable Server server;
        private static @Nullable RuntimeException failure;

        static synchronized Server server() {
            if (server == null && failure == null) {
                try {
                    server = Server.find(Mode.configured());
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                // a fresh exception per class, with the first one as the cause: not a bare NoClassDefFoundError
                throw new IllegalStateException("No PostgreSQL for tests: " + failure.getMessage(), failure);
            }
            return java.util.Objects.requireNonNull(server);
        }
    }

    private static @Nullable String setting(String property, String variable) {
        // a blank system property (the build passes ${fanout.test.db} through, empty by default) defers to the variable
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(variable);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private record Server(
            String host,
            int port,
            String user,
            @Nullable String password,
            String maintenanceDatabase,
            String description) {

        private static final String OFFLINE_HINT = "Offline (no registry), Testcontainers also needs "
                + "TESTCONTAINERS_RYUK_DISABLED=true and TESTCONTAINERS_HOST_OVERRIDE=localhost and the image "
                + "present locally (README: \"Testing against PostgreSQL\").";

        static Server find(Mode mode) {
            String url = setting(URL_PROPERTY, URL_VARIABLE);
            switch (mode) {
                case URL:
                    if (url == null) {
                        throw new IllegalStateException(MODE_VARIABLE + "=url needs " + URL_VARIABLE);
                    }
                    return fromUrl(url);
                case LOCAL:
                    return requireLocal();
                case PRIVATE:
                    return privateCluster();
                case TESTCONTAINERS:
                    return container();
                default:
                    break;
            }
            if (url != null) {
                return fromUrl(url);
            }
            Server local = localServer();
            SQLException localRefused = local.probe();
            if (localRefused == null) {
                return local;
            }
            if (DockerClientFactory.instance().isDockerAvailable()) {
                return container();
            }
            try {
                return privateCluster();
            } catch (IllegalStateException noBinaries) {
                throw new IllegalStateException(
                        """
                        none found (never skipped: database tests need a real one). Either
                          - run PostgreSQL on 127.0.0.1:5432 accepting user postgres without a password, or
                          - set %s=r2dbc:postgresql://user:password@host:port (a role that may CREATE DATABASE), or
                          - start a Docker engine (Testcontainers then runs postgres:16-alpine), or
                          - install PostgreSQL's server binaries (a private cluster is then started).
                        The local one said: %s; the private cluster: %s""".formatted(URL_VARIABLE, localRefused.getMessage(), noBinaries.getMessage()));
            }
        }

        private static Server localServer() {
            return new Server(
                    "127.0.0.1", 5432, "postgres", null, "postgres", "local PostgreSQL (127.0.0.1:5432, trust auth)");
        }

        private static Server requireLocal() {
            Server local = localServer();
            SQLException refused = local.probe();
            if (refused != null) {
                throw new IllegalStateException(MODE_VARIABLE + "=local but PostgreSQL on 127.0.0.1:5432 refused "
                        + "user postgres without a password: " + refused.getMessage());
            }
            return local;
        }

        private static Server fromUrl(String url) {
            ConnectionFactoryOptions options = ConnectionFactoryOptions.parse(url);
            Object host = options.getValue(ConnectionFactoryOptions.HOST);
            Object user = options.getValue(ConnectionFactoryOptions.USER);
            if (host == null || user == null) {
                throw new IllegalStateException(URL_VARIABLE + " must look like "
                        + "r2dbc:postgresql://user:password@host:port but was " + url.replaceAll(":[^:@/]*@", ":***@"));
            }
            Object port = options.getValue(ConnectionFactoryOptions.PORT);
            Object password = options.getValue(ConnectionFactoryOptions.PASSWORD);
            Object database = options.getValue(ConnectionFactoryOptions.DATABASE);
            return new Server(
                    host.toString(),
                    port == null ? 5432 : (Integer) port,
                    user.toString(),
                    password == null ? null : password.toString(),
                    database == null ? "postgres" : database.toString(),
                    URL_VARIABLE + " server " + host);
        }

        private static Server privateCluster() {
            PrivatePostgres cluster = PrivatePostgres.create(); // stopped and deleted by its own JVM-exit hook
            return new Server(
                    cluster.host(),
                    cluster.port(),
                    cluster.username(),
                    cluster.password(),
                    "postgres",
                    cluster + ", password auth");
        }

        private static Server container() {
            PostgreSQLContainer container = new PostgreSQLContainer(CONTAINER_IMAGE);
            try {
                container.start();
            } catch (RuntimeException e) {
                container.close();
                throw new IllegalStateException(
                        "Testcontainers could not start " + CONTAINER_IMAGE + ": " + e.getMessage() + ". "
                                + OFFLINE_HINT,
                        e);
            }
            // Ryuk removes it at exit when it runs; offline it cannot (its image is not there), so stop it here too
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "stop-test-container"));
            return new Server(
                    container.getHost(),
                    container.getMappedPort(5432),
                    container.getUsername(),
                    container.getPassword(),
                    container.getDatabaseName(),
                    "Testcontainers " + CONTAINER_IMAGE + ", password auth");
        }

        String jdbcUrl(String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }

        Connection connect(String database) throws SQLException {
            Properties properties = new Properties();
            properties.setProperty("user", user);
            if (password != null) {
                properties.setProperty("password", password);
            }
            properties.setProperty("connectTimeout", "3");
            return DriverManager.getConnection(jdbcUrl(database), properties);
        }

        @Nullable
        SQLException probe() {
            try (Connection ignored = connect(maintenanceDatabase)) {
                return null;
            } catch (SQLException e) {
                return e;
            }
        }

        void execute(String sql) {
            try (Connection connection = connect(maintenanceDatabase);
                    Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(description + " refused: " + sql, e);
            }
        }
    }
}
