package io.fanout.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FakeUpstream;
import io.fanout.testsupport.PrivatePostgres;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL restarts (fast shutdown, then a crash-style immediate shutdown) while a job runs: the job completes,
 * every item has exactly one result, and the upstream calls beyond one per item stay within what leases allow
 * (at most the items that may be leased at once, {@code concurrency}, per outage).
 */
class DatabaseRestartDuringJobIntegrationTests {

    private static final int ITEMS = 240;
    private static final int CONCURRENCY = 6;
    private static final Duration WAIT = Duration.ofSeconds(120);

    private static PrivatePostgres postgres;
    private static FakeUpstream users;
    private static Path config;
    private static FaultInstance fanout;

    @BeforeAll
    static void start() throws IOException {
        postgres = PrivatePostgres.create();
        postgres.createDatabase(FaultInstance.DATABASE);
        users = FakeUpstream.start();
        users.on("*", r -> FakeUpstream.json("{\"ok\":true}").withDelay(Duration.ofMillis(150)));
        config = Files.createTempFile("fanout-faults-job", ".yaml");
        Files.writeString(config, """
                upstreams:
                  users: { url: "%s", timeout: 2s }
                endpoints:
                  user:
                    path: /v1/users/{id}
                    calls:
                      user: { upstream: users, path: "/users/{path.id}" }
                """.formatted(users.url()));
        fanout = FaultInstance.start(
                postgres,
                config,
                "fanout.jobs.lease=3s",
                "fanout.jobs.poll-interval=200ms",
                "fanout.jobs.retry-backoff=50ms",
                "fanout.jobs.retry-max-backoff=200ms",
                "spring.r2dbc.pool.max-acquire-time=3s");
    }

    @AfterAll
    static void stop() throws IOException {
        if (fanout != null) {
            fanout.close();
        }
        if (users != null) {
            users.close();
        }
        if (config != null) {
            Files.deleteIfExists(config);
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void shouldCompleteTheJobWithOneResultPerItemAcrossARestartAndACrash() {
        long job = submit();

        awaitDone(job, ITEMS / 4);
        postgres.restart();
        awaitDone(job, ITEMS / 2);
        postgres.crash();
        postgres.start();

        Eventually.await(
                WAIT,
                "the job to complete after two database outages",
                () -> FaultInstance.queryForLong(
                                postgres, "SELECT count(*) FROM jobs WHERE id = " + job + " AND state = 'completed'")
                        == 1,
                () -> "done " + done(job));
        assertThat(FaultInstance.queryForLong(
                        postgres,
                        "SELECT count(*) FROM job_items WHERE job_id = " + job
                                + " AND (state <> 'done' OR result IS NULL OR status <> 200)"))
                .isZero();
        HttpResponse<String> results = fanout.get("/jobs/" + job + "/results");
        assertThat(results.statusCode()).isEqualTo(200);
        List<String> lines = results.body().lines().toList();
        Map<String, Long> perItem = lines.stream()
                .map(l -> l.substring(0, l.indexOf(',')))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(lines).hasSize(ITEMS);
        assertThat(perItem)
                .hasSize(ITEMS)
                .allSatisfy((item, n) -> assertThat(n).as(item).isEqualTo(1));

        Map<String, Long> calls =
                users.seen().stream().collect(Collectors.groupingBy(s -> s.uri(), Collectors.counting()));
        long duplicated = users.seen().size() - ITEMS;
        System.out.printf(
                "database restart mid-job: %d upstream calls for %d items (%d duplicated)%n",
                users.seen().size(), ITEMS, duplicated);
        assertThat(calls).as("every item reached the upstream").hasSize(ITEMS);
        assertThat(duplicated)
                .as(
                        "calls repeated because a result could not be written: at most the leased "
                                + "items, %d per outage",
                        CONCURRENCY)
                .isBetween(0L, 2L * CONCURRENCY);
    }

    private static long submit() {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 1; i <= ITEMS; i++) {
            ndjson.append("{\"id\":\"").append(i).append("\"}\n");
        }
        HttpResponse<String> response =
                fanout.send(HttpRequest.newBuilder(fanout.uri("/jobs?endpoint=user&concurrency=" + CONCURRENCY))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String location = response.headers().firstValue("Location").orElseThrow();
        return Long.parseLong(location.substring("/jobs/".length()));
    }

    private static void awaitDone(long job, int atLeast) {
        Eventually.await(WAIT, atLeast + " items done", () -> done(job) >= atLeast, () -> done(job));
        assertThat(done(job)).as("the outage hits a running job").isLessThan(ITEMS);
    }

    private static long done(long job) {
        return FaultInstance.queryForLong(
                postgres, "SELECT count(*) FROM job_items WHERE job_id = " + job + " AND state = 'done'");
    }
}
