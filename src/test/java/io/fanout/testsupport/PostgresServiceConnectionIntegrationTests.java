package io.fanout.testsupport;

import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Base of tests that get PostgreSQL the way Spring Boot users do: a Testcontainers container with
 * {@code @ServiceConnection}, no {@code spring.r2dbc.*} at all (Boot registers R2DBC, JDBC and Flyway connection
 * details, and database mode switches on from them). Needs a Docker engine, so subclasses are named
 * {@code *ContainerTests} and run with {@code ./mvnw verify -Ptestcontainers} (which {@code .ci/run} does where
 * the engine starts); without Docker the same switch is tested by {@code DatabaseModeFromConnectionDetailsTests}
 * against the local PostgreSQL.
 */
@Testcontainers
public abstract class PostgresServiceConnectionIntegrationTests {

    @Container
    @ServiceConnection
    protected static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer(TestDatabase.CONTAINER_IMAGE);
}
