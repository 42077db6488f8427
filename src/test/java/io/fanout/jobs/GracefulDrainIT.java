package io.fanout.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FakeUpstream;
import io.fanout.testsupport.TestDatabase;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Graceful drain of the packaged jar on SIGTERM, as Kubernetes sends it: with buffered composite requests, a
 * streamed one and job items in flight, the in-flight requests complete, new connections are refused while they
 * do, the job items' leases are handed back (not left to expire), and the process exits 0 well within the pod's
 * grace period (deploy/k8s: 60 s). The upstream answers after {@value #UPSTREAM_SECONDS} s, so every request is
 * still running when the instance stops listening: margins are several times what a loaded machine needs.
 */
class GracefulDrainIT {

    private static final int UPSTREAM_SECONDS = 12;
    private static final int ITEMS = 8;
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(45);

    private static TestDatabase database;
    private static FakeUpstream slow;
    private static Path config;
    private static FanoutProcess fanout;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void setUp() throws IOException {
        database = TestDatabase.create();
        slow = FakeUpstream.start();
        slow.on("*", FakeUpstream.json("{\"slow\":true}").withDelay(Duration.ofSeconds(UPSTREAM_SECONDS)));
        config = Files.createTempFile("fanout-drain-it", ".yaml");
        Files.writeString(config, """
                upstreams:
                  slow: { url: "%s", timeout: 30s }
                endpoints:
                  slow:
                    path: /v1/slow/{id}
                    deadline: 40s
                    calls:
                      a: { upstream: slow, path: "/a/{path.id}" }
                      b: { upstream: slow, path: "/b/{path.id}" }
                """.formatted(slow.url()));
    }

    @AfterAll
    static void tearDown() throws IOException {
        // each may be null when set-up failed part-way: that failure is the one to report
        if (fanout != null) {
            fanout.close();
        }
        if (slow != null) {
            slow.close();
        }
        if (config != null) {
            Files.deleteIfExists(config);
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void shouldFinishInFlightRequestsRefuseNewConnectionsHandBackLeasesAndExitZeroOnSigterm() throws Exception {
        fanout = FanoutProcess.start(
                "drain",
                database,
                config,
                "256m",
                "--fanout.jobs.shutdown-grace=2s",
                "--fanout.jobs.poll-interval=200ms");
        long job = submitJob();
        Eventually.await(Duration.ofSeconds(30), "job items running", () -> running(job) >= 2, () -> running(job));
        CompletableFuture<HttpResponse<String>> first = get("/v1/slow/1", "application/json");
        CompletableFuture<HttpResponse<String>> second = get("/v1/slow/2", "application/json");
        CompletableFuture<HttpResponse<String>> stream = get("/v1/slow/3", "application/x-ndjson");
        // two upstream calls per request, one per running item
        Eventually.await(
                Duration.ofSeconds(10),
                "every request at the upstream",
                () -> slow.inFlight() >= 6 + running(job),
                slow::inFlight);
        long runningAtStop = running(job);

        long sigterm = System.nanoTime();
        fanout.signalTerm();

        Eventually.await(
                Duration.ofSeconds(UPSTREAM_SECONDS / 2),
                "new connections refused",
                this::refused,
                () -> "still accepting");
        long refusedAfterMillis = (System.nanoTime() - sigterm) / 1_000_000;
        assertThat(List.of(first, second, stream))
                .as("still in flight when the instance stopped listening")
                .noneMatch(CompletableFuture::isDone);

        for (CompletableFuture<HttpResponse<String>> buffered : List.of(first, second)) {
            HttpResponse<String> response = buffered.get(UPSTREAM_SECONDS * 3L, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body())
                    .contains("\"a\":{\"slow\":true}")
                    .contains("\"b\":{\"slow\":true}")
                    .doesNotContain("\"errors\":[{");
        }
        HttpResponse<String> streamed = stream.get(UPSTREAM_SECONDS * 3L, TimeUnit.SECONDS);
        List<String> lines = streamed.body().lines().toList();
        assertThat(lines).as(streamed.body()).hasSize(3);
        assertThat(lines.get(2)).startsWith("{\"meta\":").contains("\"status\":200");

        assertThat(fanout.waitFor(EXIT_WITHIN))
                .as("exited within " + EXIT_WITHIN)
                .isTrue();
        long exitedAfterMillis = (System.nanoTime() - sigterm) / 1_000_000;
        assertThat(fanout.exitCode()).as("exit code after SIGTERM").isZero();
        assertThat(database.queryForLong("SELECT count(*) FROM job_items WHERE job_id = " + job
                        + " AND (state = 'running' OR lease_owner IS NOT NULL)"))
                .as("no lease left behind")
                .isZero();
        assertThat(database.queryForLong(
                        "SELECT count(*) FROM job_items WHERE job_id = " + job + " AND state = 'pending'"))
                .as("items handed back for another instance")
                .isGreaterThanOrEqualTo(runningAtStop);
        System.out.printf(
                "drain: %d items running at SIGTERM, refused new connections after %d ms, exited after" + " %d ms%n",
                runningAtStop, refusedAfterMillis, exitedAfterMillis);
    }

    private boolean refused() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", fanout.port()), 1000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private CompletableFuture<HttpResponse<String>> get(String path, String accept) {
        return http.sendAsync(
                HttpRequest.newBuilder(fanout.uri(path))
                        .header("Accept", accept)
                        .timeout(Duration.ofSeconds(UPSTREAM_SECONDS * 4L))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private long running(long job) {
        return database.queryForLong("SELECT count(*) FROM job_items WHERE job_id = " + job + " AND state = 'running'");
    }

    private long submitJob() throws IOException, InterruptedException {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 1; i <= ITEMS; i++) {
            ndjson.append("{\"id\":\"job-").append(i).append("\"}\n");
        }
        HttpResponse<String> response =
                fanout.send(HttpRequest.newBuilder(fanout.uri("/jobs?endpoint=slow&concurrency=2"))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String location = response.headers().firstValue("Location").orElseThrow();
        return Long.parseLong(location.substring("/jobs/".length()));
    }
}
