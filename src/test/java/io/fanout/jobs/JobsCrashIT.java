package io.fanout.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FakeUpstream;
import io.fanout.testsupport.TestDatabase;
import java.io.IOException;
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

/**
 * The packaged jar, twice: the first process is killed with SIGKILL in the middle of a job, a second one takes the
 * job over once the dead one's leases expire, and every item ends with exactly one result (counted in the
 * database). Bounded: the whole test takes well under two minutes.
 */
class JobsCrashIT {

    private static final int ITEMS = 300;
    private static final Duration START = Duration.ofSeconds(60);

    private static TestDatabase database;
    private static FakeUpstream users;
    private static Path config;
    private static final String LEASE = "--fanout.jobs.lease=6s"; // renewed every 2 s: a loaded box does not lapse it
    private static final String POLL = "--fanout.jobs.poll-interval=200ms";
    private static final List<FanoutProcess> processes = new ArrayList<>();
    private static final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> RUNS =
            new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void setUp() throws IOException {
        database = TestDatabase.create();
        users = FakeUpstream.start();
        users.on("*", request -> {
            String uri = request.uri();
            String id = uri.substring("/users/".length(), uri.contains("?") ? uri.indexOf('?') : uri.length());
            int run = RUNS.computeIfAbsent(id, k -> new java.util.concurrent.atomic.AtomicInteger())
                    .incrementAndGet();
            // a run after the first (a take-over) is slow: a paused worker wakes up while its item runs elsewhere
            return FakeUpstream.json("{\"id\":\"" + id + "\",\"run\":" + run + "}")
                    .withDelay(Duration.ofMillis(run == 1 ? 50 : 1500));
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
        processes.forEach(FanoutProcess::close);
        // each may be null when set-up failed part-way: that failure is the one to report
        if (users != null) {
            users.close();
        }
        if (config != null) {
            Files.deleteIfExists(config);
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void shouldFinishAJobOnAnotherInstanceAfterAKillWithEveryItemResultedExactlyOnce() throws Exception {
        RUNS.clear();
        FanoutProcess a = FanoutProcess.start("crash-a", database, config, "256m", LEASE, POLL);
        processes.add(a);
        long job = submit(a);
        // killed while it holds leases, so that the second instance has items to take over
        Eventually.await(
                START,
                "the first instance half-way, holding leases",
                () -> done(job) >= 40
                        && database.queryForLong("SELECT count(*) FROM job_items WHERE job_id = " + job
                                        + " AND state = 'running'")
                                > 0,
                () -> done(job));

        a.kill();
        long doneAtKill = done(job);
        long leasedAtKill = database.queryForLong(
                "SELECT count(*) FROM job_items WHERE job_id = " + job + " AND state = 'running'");
        assertThat(doneAtKill).isLessThan(ITEMS);
        assertThat(leasedAtKill).isPositive();

        FanoutProcess b = FanoutProcess.start("crash-b", database, config, "256m", LEASE, POLL);
        processes.add(b);
        Eventually.await(
                START,
                "the second instance to finish the job",
                () -> database.queryForLong("SELECT count(*) FROM jobs WHERE id = " + job + " AND state = 'completed'")
                        == 1,
                () -> "done " + done(job));

        assertThat(database.queryForLong("SELECT count(*) FROM job_items WHERE job_id = " + job))
                .isEqualTo(ITEMS);
        assertThat(done(job)).isEqualTo(ITEMS);
        assertThat(database.queryForLong("SELECT count(*) FROM job_items WHERE job_id = " + job
                        + " AND (result IS NULL OR status <> 200)"))
                .isZero();
        assertThat(database.queryForLong("SELECT succeeded FROM jobs WHERE id = " + job))
                .isEqualTo(ITEMS);
        assertThat(database.queryForLong("SELECT failed FROM jobs WHERE id = " + job))
                .isZero();
        List<String> lines = b.get("/jobs/" + job + "/results").body().lines().toList();
        assertThat(lines).hasSize(ITEMS);
        Set<String> ids = users.seen().stream().map(s -> s.uri()).collect(Collectors.toSet());
        assertThat(ids).as("every item reached the upstream").hasSize(ITEMS);
        long twice = ranTwiceOrMore();
        // only an item that was running at the kill can run again: its lease was never given back
        assertThat(twice).as("items that ran more than once").isLessThanOrEqualTo(leasedAtKill);
        assertEveryResultMatchesItsInput(lines);
        System.out.printf(
                "crash test: %d done and %d leased at the kill, %d upstream calls in all, %d items ran" + " twice%n",
                doneAtKill, leasedAtKill, users.seen().size(), twice);

        assertThat(b.stop(Duration.ofSeconds(30))).as("graceful stop").isTrue();
    }

    @Test
    void shouldFenceOffTheLateWritesOfAPausedInstanceWhoseLeasesWereTakenOver() throws Exception {
        RUNS.clear();
        FanoutProcess a = FanoutProcess.start("pause-a", database, config, "256m", LEASE, POLL);
        processes.add(a);
        long job = submit(a);
        Eventually.await(
                START,
                "the first instance half-way, holding leases",
                () -> done(job) >= 40
                        && database.queryForLong("SELECT count(*) FROM job_items WHERE job_id = " + job
                                        + " AND state = 'running'")
                                > 0,
                () -> done(job));

        signal("STOP", a); // paused, not killed: its sockets and sessions stay open
        Thread.sleep(1000); // statements it had already sent finish on the server
        database.execute("CREATE TABLE paused_claims AS SELECT item, claim FROM job_items WHERE job_id = " + job
                + " AND state = 'running'");
        long heldAtPause = database.queryForLong("SELECT count(*) FROM paused_claims");
        assertThat(heldAtPause).isPositive();
        FanoutProcess b = FanoutProcess.start("pause-b", database, config, "256m", LEASE, POLL);
        processes.add(b);
        String takenOver = "SELECT count(*) FROM job_items i JOIN paused_claims p USING (item) WHERE i.job_id = " + job
                + " AND i.claim <> p.claim";
        Eventually.await(
                START,
                "the second instance to take over the paused one's items",
                () -> database.queryForLong(takenOver) == heldAtPause,
                () -> database.queryForLong(takenOver));
        signal("CONT", a); // it wakes up with answers for items that now belong to the second instance

        Eventually.await(
                START,
                "the job to finish",
                () -> database.queryForLong(
                                "SELECT count(*) FROM jobs" + " WHERE id = " + job + " AND state = 'completed'")
                        == 1,
                () -> "done " + done(job));
        assertThat(done(job)).isEqualTo(ITEMS);
        assertThat(database.queryForLong("SELECT succeeded FROM jobs WHERE id = " + job))
                .isEqualTo(ITEMS);
        assertThat(database.queryForLong("SELECT count(*) FROM job_items i JOIN paused_claims p USING (item)"
                        + " WHERE i.job_id = " + job + " AND i.claim = p.claim"))
                .as("results written by stale claims")
                .isZero();
        List<String> lines = b.get("/jobs/" + job + "/results").body().lines().toList();
        assertThat(lines).hasSize(ITEMS);
        assertEveryResultMatchesItsInput(lines);
        long twice = ranTwiceOrMore();
        assertThat(twice).as("items that ran more than once").isLessThanOrEqualTo(heldAtPause);
        System.out.printf(
                "pause test: %d items held at the pause, %d ran twice, %d upstream calls in all%n",
                heldAtPause, twice, users.seen().size());
        database.execute("DROP TABLE paused_claims");
        assertThat(a.stop(Duration.ofSeconds(30)))
                .as("graceful stop of the paused one")
                .isTrue();
        assertThat(b.stop(Duration.ofSeconds(30))).as("graceful stop").isTrue();
    }

    private static void signal(String name, FanoutProcess process) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .inheritIO()
                .start();
        assertThat(kill.waitFor()).as("kill -" + name).isZero();
    }

    private static long ranTwiceOrMore() {
        return RUNS.values().stream().filter(n -> n.get() > 1).count();
    }

    /** Every result line carries its own item's answer: the upstream echoes the id the item asked for. */
    private static void assertEveryResultMatchesItsInput(List<String> lines) {
        for (String line : lines) {
            tools.jackson.databind.JsonNode node = io.fanout.json.JsonCodec.MAPPER.readTree(line);
            assertThat(node.get("status").asInt()).as(line).isEqualTo(200);
            assertThat(node.get("data").get("user").get("id").asString())
                    .as(line)
                    .isEqualTo(node.get("input").get("id").asString());
            assertThat(node.get("item").asInt())
                    .as(line)
                    .isEqualTo(Integer.parseInt(node.get("input").get("id").asString()));
        }
    }

    private long done(long job) {
        return database.queryForLong("SELECT count(*) FROM job_items WHERE job_id = " + job + " AND state = 'done'");
    }

    private long submit(FanoutProcess instance) throws IOException, InterruptedException {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 1; i <= ITEMS; i++) {
            ndjson.append("{\"id\":\"").append(i).append("\"}\n");
        }
        HttpResponse<String> response =
                instance.send(HttpRequest.newBuilder(instance.uri("/jobs?endpoint=user&concurrency=4"))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String location = response.headers().firstValue("Location").orElseThrow();
        return Long.parseLong(location.substring("/jobs/".length()));
    }
}
