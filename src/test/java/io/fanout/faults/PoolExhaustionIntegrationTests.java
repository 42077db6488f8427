package io.fanout.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.FakeUpstream;
import io.fanout.testsupport.PrivatePostgres;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slow queries exhaust the connection pool (a lock held outside Fanout makes every read of the config history wait):
 * each request waits a bounded time (the statement timeout for those holding a connection, the pool's acquire
 * timeout for the rest) and is answered with a 503 problem and {@code Retry-After}; composite requests and probes,
 * which need no connection, are served meanwhile; nothing hangs, and all works again once the lock is gone.
 */
class PoolExhaustionIntegrationTests {

    private static final int REQUESTS = 8;

    private static PrivatePostgres postgres;
    private static FakeUpstream upstream;
    private static Path config;
    private static FaultInstance fanout;

    @BeforeAll
    static void start() throws IOException {
        postgres = PrivatePostgres.create();
        postgres.createDatabase(FaultInstance.DATABASE);
        upstream = FakeUpstream.start();
        upstream.on("*", FakeUpstream.json("{\"ok\":true}"));
        config = Files.createTempFile("fanout-faults-pool", ".yaml");
        Files.writeString(config, """
                upstreams:
                  up: { url: "%s", timeout: 5s }
                endpoints:
                  e:
                    path: /e
                    deadline: 10s
                    calls:
                      x: { upstream: up, path: /x }
                """.formatted(upstream.url()));
        fanout = FaultInstance.start(
                postgres,
                config,
                "spring.r2dbc.pool.initial-size=1",
                "spring.r2dbc.pool.max-size=2",
                "spring.r2dbc.pool.max-acquire-time=2s",
                "spring.r2dbc.properties.statementTimeout=PT4S");
    }

    @AfterAll
    static void stop() throws IOException {
        if (fanout != null) {
            fanout.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (config != null) {
            Files.deleteIfExists(config);
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void shouldAnswerEveryRequestWithABoundedWaitAndAProblemWhileThePoolIsExhausted() throws Exception {
        assertThat(fanout.get("/e").statusCode()).isEqualTo(200);
        HttpClient http = HttpClient.newHttpClient();
        try (Connection locker = postgres.connect(FaultInstance.DATABASE, postgres.username(), postgres.password());
                Statement statement = locker.createStatement()) {
            locker.setAutoCommit(false);
            statement.execute("LOCK TABLE config_versions IN ACCESS EXCLUSIVE MODE");

            long start = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                slow.add(http.sendAsync(
                        HttpRequest.newBuilder(fanout.uri("/admin/config/versions"))
                                .header("Authorization", "Bearer " + FaultInstance.ADMIN_TOKEN)
                                .timeout(Duration.ofSeconds(60))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            assertThat(fanout.get("/e").statusCode())
                    .as("composite requests need no connection")
                    .isEqualTo(200);
            assertThat(fanout.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
            for (CompletableFuture<HttpResponse<String>> f : slow) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(r.body()).contains("the database is unavailable");
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            System.out.printf("pool exhausted: %d requests answered 503 within %d s%n", REQUESTS, seconds);
            assertThat(seconds)
                    .as("bounded waits: statement timeout and acquire timeout, not the lock")
                    .isLessThan(45);
            locker.rollback();
        }

        HttpResponse<String> after = fanout.get("/admin/config/versions");
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    }
}
