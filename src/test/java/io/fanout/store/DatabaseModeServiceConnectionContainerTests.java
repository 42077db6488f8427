package io.fanout.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.FanoutApplication;
import io.fanout.testsupport.PostgresServiceConnectionIntegrationTests;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

/**
 * Database mode from Spring Boot's {@code @ServiceConnection} on a Testcontainers PostgreSQL (password login, no
 * {@code spring.r2dbc.*}): what a Boot user writes in a test. Docker only: {@code ./mvnw verify -Ptestcontainers}.
 */
@SpringBootTest(
        classes = FanoutApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "fanout.store.listener.poll-interval=10m")
class DatabaseModeServiceConnectionContainerTests extends PostgresServiceConnectionIntegrationTests {

    @Autowired
    ApplicationContext context;

    @Test
    void shouldSwitchToDatabaseModeFromTheServiceConnection() {
        assertThat(context.getBeansOfType(JdbcConnectionDetails.class).values())
                .as("Boot's own JDBC details for the container, not Fanout's derived ones")
                .noneMatch(StoreConfiguration.R2dbcDerivedJdbcConnectionDetails.class::isInstance);

        assertThat(context.getEnvironment().getProperty(DatabaseMode.URL_PROPERTY))
                .as("no spring.r2dbc.url")
                .isNull();
        DatabaseModeAssertions.assertDatabaseModeServes(context);
    }
}
