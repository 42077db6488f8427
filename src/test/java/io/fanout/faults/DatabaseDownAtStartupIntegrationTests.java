package io.fanout.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fanout.testsupport.PrivatePostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Database mode with PostgreSQL down at start-up (docs/reliability.md): the instance waits through Flyway's connect
 * retries, starts normally when the database comes up within them, and otherwise fails start-up (exit non-zero
 * from {@code main}) with one clear message naming the database but not its password.
 */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseDownAtStartupIntegrationTests {

    private static PrivatePostgres postgres;
    private static Path config;

    @BeforeAll
    static void create() throws IOException {
        postgres = PrivatePostgres.create();
        postgres.createDatabase(FaultInstance.DATABASE);
        postgres.stop();
        config = Files.createTempFile("fanout-faults-startup", ".yaml");
        Files.writeString(config, "upstreams: {}\nendpoints: {}\n");
    }

    @AfterAll
    static void close() throws IOException {
        if (config != null) {
            Files.deleteIfExists(config);
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void shouldFailStartUpWithAClearErrorWhenTheDatabaseStaysDown(CapturedOutput output) {
        long start = System.nanoTime();

        assertThatThrownBy(() -> FaultInstance.start(
                        postgres,
                        config,
                        "spring.flyway.connect-retries=2",
                        "spring.flyway.connect-retries-interval=1s")
                .close());

        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertThat(seconds).as("bounded by the connect retries").isLessThan(60);
        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("Fanout is in database mode but PostgreSQL at " + postgres.r2dbcUrl(FaultInstance.DATABASE)
                        + " did not accept a connection")
                .contains("after 2 connect retries")
                .contains("Start the database or fix spring.r2dbc.url")
                .doesNotContain(postgres.password());
    }

    @Test
    void shouldStartOnceTheDatabaseComesUpWithinTheConnectRetries() throws Exception {
        CompletableFuture<FaultInstance> starting = CompletableFuture.supplyAsync(() -> FaultInstance.start(
                postgres, config, "spring.flyway.connect-retries=8", "spring.flyway.connect-retries-interval=2s"));
        try {
            Thread.sleep(3_000); // test thread: the instance is trying to connect meanwhile
            assertThat(starting).as("still waiting for the database").isNotDone();
            postgres.start();

            try (FaultInstance instance = starting.get(90, TimeUnit.SECONDS)) {
                assertThat(instance.get("/actuator/health/readiness").statusCode())
                        .isEqualTo(200);
                assertThat(instance.get("/admin/config").statusCode()).isEqualTo(200);
            }
        } finally {
            postgres.stop();
        }
    }
}
