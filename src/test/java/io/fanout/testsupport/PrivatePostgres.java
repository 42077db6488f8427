package io.fanout.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A throwaway PostgreSQL cluster of the test's own, started with the machine's {@code initdb}/{@code pg_ctl}: on a
 * free loopback port, {@code scram-sha-256} password authentication only, and under the test's control
 * ({@link #stop()}, {@link #crash()}, {@link #start()}, {@link #restart()}) for database-fault tests.
 *
 * <p>PostgreSQL refuses to run as root, so when the tests run as root (CI here does) every server command runs as
 * the system user {@value #SYSTEM_USER} through {@code runuser}; otherwise as the current user. The cluster lives
 * in a directory under {@code /tmp} that {@link #close()} (or JVM exit at the latest) stops and deletes. The
 * binaries are found in {@value #BIN_VARIABLE}, else the newest {@code /usr/lib/postgresql/N/bin}; without them
 * the test fails saying what to install. Everything here blocks and runs on test threads only.
 */
public final class PrivatePostgres implements AutoCloseable {

    /** Directory of {@code initdb} and {@code pg_ctl}, when they are not under {@code /usr/lib/postgresql}. */
    public static final String BIN_VARIABLE = "FANOUT_TEST_PG_BIN";

    /** The superuser of every private cluster; its password is random per cluster. */
    public static final String SUPERUSER = "fanout";

    private static final String SYSTEM_USER = "postgres";
    private static final long COMMAND_SECONDS = 120;
    private static final Set<PrivatePostgres> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> RUNNING.forEach(PrivatePostgres::close), "stop-private-postgres"));
    }

    private final Path bin;
    private final Path base;
    private final Path data;
    private final Path log;
    private final int port;
    private final String password;
    private volatile boolean closed;

    private PrivatePostgres(Path bin, Path base, int port, String password) {
        this.bin = bin;
        this.base = base;
        this.data = base.resolve("data");
        this.log = base.resolve("postgres.log");
        this.port = port;
        this.password = password;
    }

    /** Creates (initdb) and starts a new cluster; ~2-4 s on a loaded 2-core machine. */
    public static PrivatePostgres create() {
        Path bin = binaries();
        Path base = Path.of("/tmp", "fanout-pg-" + shortId());
        PrivatePostgres cluster = new PrivatePostgres(bin, base, freePort(), "pw-" + UUID.randomUUID());
        RUNNING.add(cluster);
        try {
            cluster.initdb();
            cluster.startServer();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public String username() {
        return SUPERUSER;
    }

    public String password() {
        return password;
    }

    /** Where the cluster's files are (deleted by {@link #close()}). */
    public Path directory() {
        return base;
    }

    /** {@code r2dbc:postgresql://127.0.0.1:port/database}, credentials not included. */
    public String r2dbcUrl(String database) {
        return "r2dbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    /** Creates a database owned by the superuser. */
    public void createDatabase(String name) {
        execute("postgres", "CREATE DATABASE " + name);
    }

    /** Runs one statement over JDBC with the password (blocking; test threads only). */
    public void execute(String database, String sql) {
        try (Connection connection = connect(database, username(), password);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("private PostgreSQL on port " + port + " refused: " + sql, e);
        }
    }

    /** A JDBC connection as {@code user} with {@code password}; fails as PostgreSQL fails a wrong password. */
    public Connection connect(String database, String user, @Nullable String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    /** Fast shutdown: sessions are ended, the server checkpoints and exits; waits until it has. */
    public void stop() {
        pgCtl("stop", "-m", "fast");
    }

    /** Immediate shutdown: every server process quits at once and the next start recovers from WAL, as after a crash. */
    public void crash() {
        pgCtl("stop", "-m", "immediate");
    }

    /** Starts the stopped cluster again on the same port; returns once it accepts connections. */
    public void start() {
        startServer();
    }

    /** A fast stop and a start, on the same port. */
    public void restart() {
        stop();
        startServer();
    }

    /** Whether the server is up (by {@code pg_ctl status}). */
    public boolean isRunning() {
        return run(pgCtlCommand("status")).exitCode() == 0;
    }

    /** Stops the cluster at once and deletes its files. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RUNNING.remove(this);
        if (Files.isDirectory(data)) {
            run(pgCtlCommand("stop", "-m", "immediate"));
        }
        deleteRecursively(base);
    }

    @Override
    public String toString() {
        return "private PostgreSQL on " + host() + ":" + port + " (" + base + ")";
    }

    private void initdb() {
        // the superuser's password goes through a file only the server user can read, deleted right after
        Path passwordFile = base.resolve("password");
        try {
            Files.createDirectories(base);
            Files.writeString(passwordFile, password + "\n");
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            if (runsAsRoot()) {
                UserPrincipalLookupService users = base.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(base, users.lookupPrincipalByName(SYSTEM_USER));
                Files.setOwner(passwordFile, users.lookupPrincipalByName(SYSTEM_USER));
            }
            List<String> command = asServerUser(List.of(
                    bin.resolve("initdb").toString(),
                    "-D",
                    data.toString(),
                    "-U",
                    SUPERUSER,
                    "--pwfile=" + passwordFile,
                    "--auth=scram-sha-256",
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--no-sync"));
            require(run(command), "initdb");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + base + " for initdb", e);
        } finally {
            try {
                Files.deleteIfExists(passwordFile);
            } catch (IOException e) {
                // the directory goes away with close() anyway
            }
        }
    }

    private void startServer() {
        // TCP on loopback only, no Unix socket (nothing can log in around the password); fsync off: the tests
        // simulate process crashes, never power loss, and a crash still recovers from the WAL in the page cache
        String options = "-c port=" + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
                + " -c fsync=off -c full_page_writes=off -c max_connections=200";
        pgCtl("start", "-l", log.toString(), "-o", options);
    }

    private void pgCtl(String... arguments) {
        require(run(pgCtlCommand(arguments)), "pg_ctl " + arguments[0]);
    }

    private List<String> pgCtlCommand(String... arguments) {
        List<String> command =
                new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60"));
        command.addAll(List.of(arguments));
        return asServerUser(command);
    }

    private void require(Result result, String what) {
        if (result.exitCode() != 0) {
            throw new IllegalStateException(what + " failed for " + this + " (exit " + result.exitCode() + "):\n"
                    + result.output() + serverLog());
        }
    }

    private String serverLog() {
        try {
            return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "\n(server log unreadable: " + e.getMessage() + ")";
        }
    }

    private Result run(List<String> command) {
        try {
            // in /tmp: the server user may not be allowed into the build's working directory
            Process process = new ProcessBuilder(command)
                    .directory(new java.io.File("/tmp"))
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            byte[] output;
            try (InputStream stdout = process.getInputStream()) {
                output = stdout.readAllBytes(); // pg_ctl's server inherits no pipe of ours (-l), so this ends
            }
            if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out after " + COMMAND_SECONDS + "s: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command.get(0), e);
        }
    }

    private static List<String> asServerUser(List<String> command) {
        if (!runsAsRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", SYSTEM_USER, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static boolean runsAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static Path binaries() {
        String configured = System.getenv(BIN_VARIABLE);
        if (configured != null && !configured.isBlank()) {
            return requireInitdb(Path.of(configured.trim()));
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                Path newest = versions.filter(p -> p.getFileName().toString().matches("\\d+"))
                        .max(Comparator.comparingInt(
                                p -> Integer.parseInt(p.getFileName().toString())))
                        .map(p -> p.resolve("bin"))
                        .orElse(null);
                if (newest != null) {
                    return requireInitdb(newest);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("No PostgreSQL server binaries for a private test cluster: install them "
                + "(Debian: apt-get install postgresql) or set " + BIN_VARIABLE + " to the directory of initdb "
                + "and pg_ctl");
    }

    private static Path requireInitdb(Path bin) {
        if (!Files.isExecutable(bin.resolve("initdb")) || !Files.isExecutable(bin.resolve("pg_ctl"))) {
            throw new IllegalStateException(
                    "No initdb/pg_ctl in " + bin + " (" + BIN_VARIABLE + " or /usr/lib/postgresql/N/bin)");
        }
        return bin;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover directory under /tmp is harmless and says where it came from by its name
        }
    }

    private record Result(int exitCode, String output) {}
}
