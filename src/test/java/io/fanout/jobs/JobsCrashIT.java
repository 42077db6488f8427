package io.fanout.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FakeUpstream;
import io.fanout.testsupport.TestDatabase;

/**
 * The packaged jar, twice: the first process is killed with SIGKILL in the middle of a job, a second one takes the
 * job over once the dead one's leases expire, and every item ends with exactly one result (counted in the
 * database). Bounded: the whole test takes well under two minutes.
 */
class JobsCrashIT {

    private static final String TOKEN = "crash-test-token";
    private static final int ITEMS = 300;
    private static final Duration START = Duration.ofSeconds(60);

    private static TestDatabase database;
    private static FakeUpstream users;
    private static Path config;
    private static final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void setUp() throws IOException {
        database = TestDatabase.create();
        users = FakeUpstream.start();
        users.on("*", request -> {
            String uri = request.uri();
            String id = uri.substring("/users/".length(), uri.contains("?") ? uri.indexOf('?') : uri.length());
            return FakeUpstream.json("{\"id\":\"" + id + "\"}").withDelay(Duration.ofMillis(50));
        });
        config = Files.createTempFile("fanout-crash-it", ".yaml");
        Files.writeString(config, """
                upstreams:
                  users: { url: "%s", timeout: 2s }
                endpoints:
                  user:
                    path: /v1/users/{id}
                    calls:
                      user: { upstream: users, path: "/users/{path.id}" }
                """.formatted(users.url()));
    }

    @AfterAll
    static void tearDown() throws IOException {
        processes.forEach(Process::destroyForcibly);
        users.close();
        Files.deleteIfExists(config);
        database.close();
    }

    @Test
    void shouldFinishAJobOnAnotherInstanceAfterAKillWithEveryItemResultedExactlyOnce() throws Exception {
        int portA = freePort();
        Process a = start("a", portA);
        awaitHealthy(portA);
        long job = submit(portA);
        // killed while it holds leases, so that the second instance has items to take over
        Eventually.await(START, "the first instance half-way, holding leases", () -> done(job) >= 40
                && database.queryForLong("SELECT count(*) FROM job_items WHERE job_id = " + job
                        + " AND state = 'running'") > 0, () -> done(job));

        a.destroyForcibly(); // SIGKILL: no shutdown hook, no lease given back
        a.waitFor();
        long doneAtKill = done(job);
        long leasedAtKill = database.queryForLong("SELECT count(*) FROM job_items WHERE job_id = " + job
                + " AND state = 'running'");
        assertThat(doneAtKill).isLessThan(ITEMS);
        assertThat(leasedAtKill).isPositive();

        int portB = freePort();
        Process b = start("b", portB);
        Eventually.await(START, "the second instance to finish the job",
                () -> database.queryForLong("SELECT count(*) FROM jobs WHERE id = " + job
                        + " AND state = 'completed'") == 1,
                () -> "done " + done(job));

        assertThat(database.queryForLong("SELECT count(*) FROM job_items WHERE job_id = " + job)).isEqualTo(ITEMS);
        assertThat(done(job)).isEqualTo(ITEMS);
        assertThat(database.queryForLong("SELECT count(*) FROM job_items WHERE job_id = " + job
                + " AND (result IS NULL OR status <> 200)")).isZero();
        assertThat(database.queryForLong("SELECT succeeded FROM jobs WHERE id = " + job)).isEqualTo(ITEMS);
        assertThat(database.queryForLong("SELECT failed FROM jobs WHERE id = " + job)).isZero();
        String results = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portB + "/jobs/" + job
                        + "/results")).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        List<String> lines = results.lines().toList();
        assertThat(lines).hasSize(ITEMS);
        Set<String> ids = users.seen().stream().map(s -> s.uri()).collect(Collectors.toSet());
        assertThat(ids).as("every item reached the upstream").hasSize(ITEMS);
        System.out.printf("crash test: %d done and %d leased at the kill, %d upstream calls in all%n", doneAtKill,
                leasedAtKill, users.seen().size());

        b.destroy(); // SIGTERM: graceful shutdown
        assertThat(b.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }

    private long done(long job) {
        return database.queryForLong("SELECT count(*) FROM job_items WHERE job_id = " + job + " AND state = 'done'");
    }

    private Process start(String name, int port) throws IOException {
        String jar = System.getProperty("fanout.jar");
        assertThat(jar).as("fanout.jar (set by the failsafe configuration)").isNotNull();
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-jar", jar,
                "--server.port=" + port,
                "--fanout.config=" + config,
                "--fanout.warm-up=false",
                "--spring.r2dbc.url=" + database.r2dbcUrl(),
                "--spring.r2dbc.username=" + database.username(),
                "--spring.r2dbc.password=" + (database.password() == null ? "" : database.password()),
                "--fanout.jobs.lease=2s",
                "--fanout.jobs.poll-interval=200ms")
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target", "crash-it-" + name + ".log").toFile());
        builder.environment().put("FANOUT_JOBS_TOKEN", TOKEN);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private void awaitHealthy(int port) {
        Eventually.await(START, "instance on port " + port + " up", () -> {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, () -> "not answering");
    }

    private long submit(int port) throws IOException, InterruptedException {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 1; i <= ITEMS; i++) {
            ndjson.append("{\"id\":\"").append(i).append("\"}\n");
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/jobs?endpoint=user&concurrency=4"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String location = response.headers().firstValue("Location").orElseThrow();
        return Long.parseLong(location.substring("/jobs/".length()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
