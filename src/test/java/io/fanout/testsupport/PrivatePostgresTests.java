package io.fanout.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The private cluster the database-fault tests rely on: password login enforced, data kept across a restart and a
 * crash, connections refused while it is down, and nothing left behind after {@code close()}.
 */
class PrivatePostgresTests {

    private static PrivatePostgres cluster;

    @BeforeAll
    static void startCluster() {
        cluster = PrivatePostgres.create();
        cluster.createDatabase("faults");
        cluster.execute("faults", "CREATE TABLE marks (id int PRIMARY KEY)");
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldAcceptTheRightPasswordAndRefuseAWrongOrMissingOne() throws SQLException {
        try (Connection connection = cluster.connect("faults", cluster.username(), cluster.password())) {
            assertThat(scalar(connection, "SELECT 1")).isEqualTo(1);
        }

        assertThatThrownBy(() ->
                        cluster.connect("faults", cluster.username(), "wrong").close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
        assertThatThrownBy(() ->
                        cluster.connect("faults", cluster.username(), null).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password");
        try (Connection connection = cluster.connect("faults", cluster.username(), cluster.password())) {
            assertThat(text(connection, "SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host' LIMIT 1"))
                    .isEqualTo("scram-sha-256");
        }
    }

    @Test
    void shouldRefuseConnectionsWhileStoppedAndKeepCommittedRowsAcrossARestartAndACrash() throws SQLException {
        cluster.execute("faults", "INSERT INTO marks VALUES (1)");

        cluster.stop();

        assertThat(cluster.isRunning()).isFalse();
        assertThatThrownBy(() -> cluster.connect("faults", cluster.username(), cluster.password())
                        .close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("refused");

        cluster.start();
        cluster.execute("faults", "INSERT INTO marks VALUES (2)");
        cluster.crash();
        cluster.start();
        cluster.restart();

        assertThat(cluster.isRunning()).isTrue();
        try (Connection connection = cluster.connect("faults", cluster.username(), cluster.password())) {
            assertThat(scalar(connection, "SELECT count(*) FROM marks")).isEqualTo(2);
        }
    }

    @Test
    void shouldDeleteItsFilesOnClose() {
        PrivatePostgres other = PrivatePostgres.create();
        Path directory = other.directory();
        assertThat(Files.isDirectory(directory)).isTrue();

        other.close();

        assertThat(Files.exists(directory)).isFalse();
        assertThatThrownBy(() -> other.connect("postgres", other.username(), other.password())
                        .close())
                .isInstanceOf(SQLException.class);
    }

    private static long scalar(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static String text(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }
}
