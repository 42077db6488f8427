package io.fanout.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.FanoutApplication;
import io.fanout.testsupport.TestDatabase;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.test.StepVerifier;

/**
 * Database mode as an operator configures it: only {@code spring.r2dbc.*}. Flyway's connection is derived from it
 * and migrates at start-up; the store and the running listener are ready to use.
 */
@SpringBootTest(
        classes = FanoutApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "fanout.store.listener.poll-interval=10m")
@DirtiesContext // close the context (and its listener session) before the database is dropped at JVM exit
class DatabaseModeStartupTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final TestDatabase database = TestDatabase.create();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        database.registerR2dbcProperties(registry);
    }

    @Autowired
    ApplicationContext context;

    @Autowired
    ConfigStore store;

    @Autowired
    ConfigChangeListener listener;

    @Test
    void shouldMigrateWithTheDerivedFlywayConnectionAndServeTheStoreAndListener() {
        // every migration applied (V2__jobs.sql included), none failed
        assertThat(database.queryForLong("SELECT count(*) FROM flyway_schema_history WHERE success"))
                .isGreaterThan(1);
        assertThat(database.queryForLong("SELECT count(*) FROM flyway_schema_history WHERE NOT success"))
                .isZero();
        assertThat(context.getBeanNamesForType(DataSource.class))
                .as("no JDBC pool in Fanout")
                .isEmpty();
        assertThat(listener.isRunning()).isTrue();

        store.importIfEmpty(Map.of("upstreams", Map.of()))
                .as(StepVerifier::create)
                .assertNext(imported -> assertThat(imported.version()).isEqualTo(1))
                .expectComplete()
                .verify(TIMEOUT);

        listener.changes().as(StepVerifier::create).expectNext(1L).thenCancel().verify(TIMEOUT);
    }
}
