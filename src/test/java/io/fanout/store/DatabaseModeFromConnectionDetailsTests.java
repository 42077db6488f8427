package io.fanout.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.FanoutApplication;
import io.fanout.testsupport.TestDatabase;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * Database mode switched on by an {@link R2dbcConnectionDetails} bean alone, registered before the context
 * refreshes as {@code @ServiceConnection} fields and {@code spring-boot-docker-compose} register theirs; no
 * {@code spring.r2dbc.url}. Runs on every machine against the test database; the real {@code @ServiceConnection}
 * is {@code DatabaseModeServiceConnectionContainerTests} (Docker).
 */
@SpringBootTest(
        classes = FanoutApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "fanout.store.listener.poll-interval=10m")
@ContextConfiguration(initializers = DatabaseModeFromConnectionDetailsTests.ConnectionDetailsOnly.class)
@DirtiesContext // close the context (and its listener session) before the database is dropped at JVM exit
class DatabaseModeFromConnectionDetailsTests {

    private static final TestDatabase database = TestDatabase.create();

    @Autowired
    ApplicationContext context;

    @Test
    void shouldSwitchToDatabaseModeAndMigrateFromR2dbcConnectionDetailsWithoutAnyUrlProperty() {
        assertThat(context.getBeansOfType(StoreConfiguration.R2dbcDerivedJdbcConnectionDetails.class))
                .as("Flyway's JDBC coordinates derived from the R2DBC details")
                .hasSize(1);

        assertThat(context.getEnvironment().getProperty(DatabaseMode.URL_PROPERTY))
                .as("no spring.r2dbc.url")
                .isNull();
        DatabaseModeAssertions.assertDatabaseModeServes(context);
    }

    /** What a connection source does: an R2DBC connection-details bean definition, before refresh. */
    static final class ConnectionDetailsOnly implements ApplicationContextInitializer<GenericApplicationContext> {

        @Override
        public void initialize(GenericApplicationContext context) {
            ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.parse(database.r2dbcUrl())
                    .mutate()
                    .option(ConnectionFactoryOptions.USER, database.username());
            if (database.password() != null) {
                options.option(ConnectionFactoryOptions.PASSWORD, database.password());
            }
            ConnectionFactoryOptions built = options.build();
            context.registerBean("testR2dbcConnectionDetails", R2dbcConnectionDetails.class, () -> () -> built);
        }
    }
}
