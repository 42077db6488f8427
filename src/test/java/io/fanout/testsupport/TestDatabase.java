package io.fanout.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A freshly created PostgreSQL database of its own for a test class, so runs (and classes) never see each
 * other's rows. Dropped by {@link #close()}, or at JVM exit at the latest.
 *
 * <p>The server is found once per JVM, in this order (see shared/STACK-NOTES.md):
 * <ol>
 *   <li>{@value #URL_VARIABLE} (environment, or the system property {@value #URL_PROPERTY}):
 *       {@code r2dbc:postgresql://user:password@host:port}, a role allowed to CREATE DATABASE;</li>
 *   <li>Testcontainers, when a Docker engine is available;</li>
 *   <li>a local PostgreSQL on 127.0.0.1:5432 accepting user {@code postgres} without a password;</li>
 *   <li>otherwise the test fails, saying what to set up. Never a silent skip.</li>
 * </ol>
 *
 * <p>Plain tests use {@link #connectionFactory()} and close the database in {@code @AfterAll}. A
 * {@code @SpringBootTest} feeds {@link #registerProperties} to a {@code @DynamicPropertySource} method, adds
 * {@code @DirtiesContext} and leaves dropping to JVM exit: JUnit runs {@code @AfterAll} before Spring closes the
 * context, and a database dropped under a live context makes its connections fail noisily. Blocking JDBC is used
 * here for set-up only, on test threads.
 */
public final class TestDatabase implements AutoCloseable {

    public static final String URL_VARIABLE = "FANOUT_TEST_DB_URL";
    public static final String URL_PROPERTY = "fanout.test.db.url";

    private static final Set<TestDatabase> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(TestDatabase::close),
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
        Server server = ServerHolder.SERVER;
        String name = "fanout_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
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
        try (Connection connection = server.connect(name); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Test database " + name + " refused: " + sql, e);
        }
    }

    /** Runs a query that answers one number (a count, a pid) over JDBC, blocking. */
    public long queryForLong(String sql) {
        try (Connection connection = server.connect(name); Statement statement = connection.createStatement();
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

    /** Found on first use, once per JVM; a Testcontainers container is removed by Ryuk at exit. */
    private static final class ServerHolder {
        static final Server SERVER = Server.find();
    }

    private record Server(String host, int port, String user, @Nullable String password, String maintenanceDatabase,
            String description) {

        static Server find() {
            String url = System.getProperty(URL_PROPERTY, System.getenv(URL_VARIABLE));
            if (url != null && !url.isBlank()) {
                return fromUrl(url.trim());
            }
            if (DockerClientFactory.instance().isDockerAvailable()) {
                return container();
            }
            Server local = new Server("127.0.0.1", 5432, "postgres", null, "postgres", "local PostgreSQL");
            SQLException refused = local.probe();
            if (refused == null) {
                return local;
            }
            throw new IllegalStateException("""
                    No PostgreSQL for tests (never skipped: database tests need a real one). Either
                      - set %s=r2dbc:postgresql://user:password@host:port (a role that may CREATE DATABASE), or
                      - start a Docker engine (Testcontainers then runs postgres:16-alpine), or
                      - run PostgreSQL on 127.0.0.1:5432 accepting user postgres without a password.
                    The local one said: %s""".formatted(URL_VARIABLE, refused.getMessage()));
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
            return new Server(host.toString(), port == null ? 5432 : (Integer) port, user.toString(),
                    password == null ? null : password.toString(), database == null ? "postgres" : database.toString(),
                    URL_VARIABLE + " server " + host);
        }

        @SuppressWarnings("resource") // one container for the whole JVM; Ryuk removes it
        private static Server container() {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
            container.start();
            return new Server(container.getHost(), container.getMappedPort(5432), container.getUsername(),
                    container.getPassword(), container.getDatabaseName(), "Testcontainers PostgreSQL");
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

        @Nullable SQLException probe() {
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
