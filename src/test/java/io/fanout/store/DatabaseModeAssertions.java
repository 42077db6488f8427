package io.fanout.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.Map;
import org.springframework.context.ApplicationContext;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** What "database mode is on" means, checked the same way whatever configured the connection. */
final class DatabaseModeAssertions {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private DatabaseModeAssertions() {}

    /** Flyway migrated, the start-up read imported version 1, the store writes and the listener hears it. */
    static void assertDatabaseModeServes(ApplicationContext context) {
        ConfigStore store = context.getBean(ConfigStore.class);
        ConfigChangeListener listener = context.getBean(ConfigChangeListener.class);
        ConnectionFactory pool = context.getBean(ConnectionFactory.class);

        assertThat(scalar(pool, "SELECT count(*) FROM flyway_schema_history WHERE success"))
                .as("Flyway migrations applied")
                .isGreaterThan(1);
        store.latestVersion()
                .as(StepVerifier::create)
                .expectNext(1L) // the start-up read (JDBC, from the same connection details) imported version 1
                .expectComplete()
                .verify(TIMEOUT);
        store.append(Map.of("upstreams", Map.of()), 1, "alice", "no URL property")
                .as(StepVerifier::create)
                .assertNext(stored -> assertThat(stored.version()).isEqualTo(2))
                .expectComplete()
                .verify(TIMEOUT);
        listener.changes()
                .filter(version -> version == 2)
                .next()
                .as(StepVerifier::create)
                .expectNext(2L)
                .expectComplete()
                .verify(TIMEOUT);
    }

    /** One number from a query over a pooled connection (R2DBC, so a password login happens on the event loop). */
    static long scalar(ConnectionFactory pool, String sql) {
        Long value = Mono.usingWhen(
                        pool.create(),
                        connection -> Mono.from(connection.createStatement(sql).execute())
                                .flatMap(result -> Mono.from(result.map((row, meta) -> row.get(0, Long.class)))),
                        connection -> connection.close())
                .block(TIMEOUT);
        assertThat(value).as(sql).isNotNull();
        return value;
    }
}
