package io.fanout.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.FanoutApplication;
import io.fanout.testsupport.PrivatePostgres;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Database mode against a PostgreSQL that asks for a password (scram-sha-256), as every real deployment does, on
 * every machine: a {@link PrivatePostgres} cluster with a non-superuser application role. Flyway and the start-up
 * read log in over JDBC, the pool and the listener over R2DBC on the event loop, with BlockHound on. The machine's
 * trust-auth PostgreSQL never asks for a password, which is how the SCRAM nonce read on the event loop went unseen
 * until Testcontainers ran (see {@code ScramNonceBlockHoundIntegration}).
 */
@SpringBootTest(
        classes = FanoutApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"fanout.store.listener.poll-interval=10m", "spring.r2dbc.pool.initial-size=2"})
@DirtiesContext // close the pool and the listener session before the cluster stops at JVM exit
class PasswordLoginIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String ROLE = "fanout_app";
    private static final String PASSWORD = "s3cret-" + Long.toHexString(System.nanoTime());
    private static final PrivatePostgres cluster = startCluster();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.r2dbc.url", () -> cluster.r2dbcUrl("fanout"));
        registry.add("spring.r2dbc.username", () -> ROLE);
        registry.add("spring.r2dbc.password", () -> PASSWORD);
    }

    @Autowired
    ApplicationContext context;

    @Autowired
    ConnectionFactory pool;

    @Test
    void shouldMigrateStoreAndNotifyThroughPasswordLoginsWithBlockHoundOn() {
        assertThat(blockingOnParallelThread())
                .as("BlockHound is installed, so a blocking login would fail")
                .isInstanceOf(BlockingOperationError.class);

        DatabaseModeAssertions.assertDatabaseModeServes(context);

        assertThat(flywaySuccessfulMigrations())
                .as("Flyway's JDBC login with the password")
                .isGreaterThan(1);
        assertThat(DatabaseModeAssertions.scalar(
                        pool, "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + ROLE + "'"))
                .as("pool and listener sessions as " + ROLE)
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldAnswerAWrongPasswordWithAnAuthenticationErrorNotABlockingCall() {
        PostgresqlConnectionFactory wrong = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                .host(cluster.host())
                .port(cluster.port())
                .database("fanout")
                .username(ROLE)
                .password("not-" + PASSWORD)
                .build());

        Mono.usingWhen(wrong.create(), connection -> Mono.just(true), connection -> connection.close())
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(R2dbcException.class)
                        .hasMessageContaining("password authentication failed")
                        .hasNoCause())
                .verify(TIMEOUT);
    }

    private static PrivatePostgres startCluster() {
        PrivatePostgres started = PrivatePostgres.create();
        started.execute("postgres", "CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
        started.execute("postgres", "CREATE DATABASE fanout OWNER " + ROLE);
        return started;
    }

    private static long flywaySuccessfulMigrations() {
        try (var connection = cluster.connect("fanout", ROLE, PASSWORD);
                var statement = connection.createStatement();
                var row = statement.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
            row.next();
            return row.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Throwable blockingOnParallelThread() {
        return Mono.fromCallable(() -> {
                                    Thread.sleep(1);
                                    return "not detected";
                                })
                                .subscribeOn(Schedulers.parallel())
                                .map(Object.class::cast)
                                .onErrorResume(error -> Mono.just(error))
                                .block(TIMEOUT)
                        instanceof Throwable error
                ? error
                : new AssertionError("BlockHound did not react");
    }
}
