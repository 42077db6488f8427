package io.fanout.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.engine.Engine;
import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FakeUpstream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

/** How workers run items: retries, fairness, exclusive claims, lease take-over. */
class JobsRunIntegrationTests extends JobsTestBase {

    @Autowired
    JobStore store;

    @Autowired
    Engine engine;

    @Autowired
    JobsProperties properties;

    @Test
    void shouldRetryARetryableFailureUntilItSucceeds() {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        USERS.on(
                "*",
                request -> calls.computeIfAbsent(request.uri(), u -> new AtomicInteger())
                                        .incrementAndGet()
                                < 3
                        ? FakeUpstream.status(503, "{\"busy\":true}")
                        : FakeUpstream.json("{\"ok\":true}"));

        long id = submitIds(2, 2);
        JsonNode done = awaitState(id, "completed");

        assertThat(done.get("succeeded").asInt()).isEqualTo(2);
        assertThat(USERS.seen("/users/1")).hasSize(3);
        List<JsonNode> lines = results(id, "");
        assertThat(lines).extracting(l -> l.get("status").asInt()).containsExactly(200, 200);
        assertThat(count("SELECT max(attempts) FROM job_items WHERE job_id = " + id))
                .isEqualTo(2);
    }

    @Test
    void shouldKeepTheLastAnswerWhenRetriesRunOut() {
        USERS.on("*", FakeUpstream.status(502, "{\"down\":true}"));

        long id = submitIds(1, 1);
        JsonNode done = awaitState(id, "completed");

        assertThat(done.get("failed").asInt()).isEqualTo(1);
        assertThat(USERS.seen()).hasSize(3); // fanout.jobs.max-attempts
        JsonNode line = results(id, "").get(0);
        assertThat(line.get("status").asInt()).isEqualTo(502);
        assertThat(line.get("errors").get(0).get("type").asString()).isEqualTo("upstream-status");
    }

    @Test
    void shouldNotRetryAPermanentClientError() {
        USERS.on("*", FakeUpstream.status(404, "{\"missing\":true}"));

        long id = submitIds(1, 1);
        JsonNode done = awaitState(id, "completed");

        assertThat(done.get("failed").asInt()).isEqualTo(1);
        assertThat(done.get("succeeded").asInt()).isZero();
        JsonNode line = results(id, "").get(0);
        assertThat(line.get("status").asInt()).isEqualTo(404);
        assertThat(line.get("data").isNull()).isTrue();
        assertThat(line.get("errors").get(0).get("status").asInt()).isEqualTo(404);
        JobsApiIntegrationTests.sleep(Duration.ofSeconds(1)); // 5x a retry backoff (100ms max) plus a poll (100ms)
        assertThat(USERS.seen()).hasSize(1);
    }

    @Test
    void shouldShareWorkersFairlyBetweenRunningJobs() {
        // 400 items x 100 ms over 8 slots: at least 5 s alone, so the small job's submission (seconds on a loaded
        // box) cannot come after the big one is done
        usersAnswer(Duration.ofMillis(100));
        long big = submitIds(400, 8); // alone it would hold all 8 slots of this instance until it is done
        Eventually.await(
                WAIT, "the first job running", () -> job(big).get("succeeded").asInt() >= 8, () -> job(big));

        long small = submitIds(40, 8);
        awaitState(small, "completed");
        JsonNode bigWhenSmallDone = job(big);

        // FIFO would finish all 400 first; a fair share runs both at half speed
        assertThat(bigWhenSmallDone.get("state").asString()).isEqualTo("running");
        assertThat(bigWhenSmallDone.get("succeeded").asInt()).isLessThan(250);
        client.delete()
                .uri("/jobs/" + big)
                .header("Authorization", "Bearer " + TOKEN)
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void shouldNeverGiveOneItemToTwoWorkers() {
        usersAnswer(Duration.ofMillis(5));
        SimpleMeterRegistry otherMeters = new SimpleMeterRegistry();
        JobWorker other = new JobWorker(store, active, engine, properties, Flux.never(), "second-worker", otherMeters);
        other.start();
        try {
            long id = submitIds(300, 16);
            awaitState(id, "completed");

            Map<String, Long> perItem = USERS.seen().stream()
                    .collect(Collectors.groupingBy(
                            s -> s.uri().substring(0, s.uri().indexOf('?')), Collectors.counting()));
            assertThat(perItem).hasSize(300);
            assertThat(perItem.values()).allMatch(n -> n == 1);
            assertThat(otherMeters
                            .counter("fanout.jobs.items", "outcome", "succeeded")
                            .count())
                    .as("the second worker ran items too")
                    .isPositive()
                    .isLessThan(300);
            assertThat(count("SELECT count(*) FROM job_items WHERE job_id = " + id + " AND state = 'done'"))
                    .isEqualTo(300);
            assertThat(job(id).get("succeeded").asInt()).isEqualTo(300);
        } finally {
            other.stop();
        }
    }

    @Test
    void shouldGiveLeasesBackOnGracefulStopSoThatAnotherWorkerContinuesAtOnce() {
        // the second worker holds its items far longer than the grace period
        usersAnswer(Duration.ofSeconds(20));
        JobsProperties shortGrace = new JobsProperties(
                4,
                16,
                1024,
                5000,
                properties.maxLineLength(),
                properties.maxJsonBody(),
                100,
                Duration.ofMinutes(5),
                Duration.ofMillis(100),
                3,
                Duration.ofMillis(20),
                Duration.ofMillis(100),
                Duration.ofDays(1),
                Duration.ofMillis(200),
                Duration.ofMinutes(1));
        JobWorker other = new JobWorker(
                store, active, engine, shortGrace, Flux.never(), "stopping-worker", new SimpleMeterRegistry());
        // the shared context's worker must not take the items first: the job is created before either sees it
        other.start();
        long id = submitIds(40, 40);
        Eventually.await(
                WAIT,
                "the second worker holding leases",
                () -> count("SELECT count(*) FROM job_items" + " WHERE lease_owner = 'stopping-worker'") > 0,
                () -> "none");

        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        other.stop(stopped::countDown);
        Eventually.await(WAIT, "stop to finish", () -> stopped.getCount() == 0, () -> "still stopping");

        // its lease (5 minutes) has not expired: the items are pending again only because they were given back
        assertThat(count("SELECT count(*) FROM job_items WHERE lease_owner = 'stopping-worker'"))
                .isZero();
        usersAnswer(Duration.ZERO);
        assertThat(awaitState(id, "completed").get("succeeded").asInt()).isEqualTo(40);
    }

    @Test
    void shouldTakeOverItemsWhoseLeaseExpired() {
        usersAnswer(Duration.ZERO);
        // a crashed instance: it claimed both items of a running job and never came back
        database()
                .execute("WITH j AS (INSERT INTO jobs (endpoint, concurrency, total, state, started_at,"
                        + " idempotency_key) VALUES ('user', 4, 2, 'running', now(), 'crashed-instance') RETURNING id)"
                        + " INSERT INTO job_items (job_id, item, input, state, claim, lease_owner, lease_until)"
                        + " SELECT id, n, '{\"id\":\"' || n || '\"}', 'running', 999999, 'crashed',"
                        + " now() + interval '6 seconds' FROM j, generate_series(1, 2) AS n");
        long id = count("SELECT id FROM jobs WHERE idempotency_key = 'crashed-instance'");

        // a second's look (several 100ms polls) well inside the 6s lease, even on a loaded box
        JobsApiIntegrationTests.sleep(Duration.ofSeconds(1));
        assertThat(USERS.seen()).as("nothing runs while the lease holds").isEmpty();
        JsonNode done = awaitState(id, "completed");

        assertThat(done.get("succeeded").asInt()).isEqualTo(2);
        assertThat(USERS.seen()).hasSize(2);
        assertThat(count("SELECT count(*) FROM job_items WHERE job_id = " + id + " AND state = 'done'"
                        + " AND claim <> 999999"))
                .isEqualTo(2);
    }

    @Test
    void shouldFenceOffTheLateWriteOfAWorkerWhoseLeaseExpiredWhileItStillRan() {
        // the take-over run is slow (within its timeout), so the paused worker wakes up while it runs elsewhere
        install(CONFIG.replace("timeout: 2s", "timeout: 20s").replace("deadline: 5s", "deadline: 25s"));
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        USERS.on(
                "*",
                request -> FakeUpstream.json("{\"id\":\"1\",\"run\":" + runs.incrementAndGet() + "}")
                        .withDelay(Duration.ofSeconds(3)));
        // a worker that claimed the item, then stopped (a GC pause, SIGSTOP) for longer than its lease
        database()
                .execute("WITH j AS (INSERT INTO jobs (endpoint, concurrency, total, state, started_at,"
                        + " idempotency_key) VALUES ('user', 1, 1, 'running', now(), 'paused-worker') RETURNING id)"
                        + " INSERT INTO job_items (job_id, item, input, state, claim, lease_owner, lease_until)"
                        + " SELECT id, 1, '{\"id\":\"1\"}', 'running', nextval('job_item_claims'), 'paused',"
                        + " now() + interval '1 second' FROM j");
        long id = count("SELECT id FROM jobs WHERE idempotency_key = 'paused-worker'");
        long pausedClaim = count("SELECT claim FROM job_items WHERE job_id = " + id);
        JobStore.Claimed paused = new JobStore.Claimed(id, "user", 1, "{\"id\":\"1\"}", 0, pausedClaim);

        Eventually.await(
                WAIT, "another worker running the item", () -> USERS.seen().size() == 1, USERS::seen);
        long[] late = store.complete(id, List.of(new JobStore.Outcome(paused, 200, "{\"late\":true}", null)))
                .block(WAIT);
        Long lateRetry = store.retry(new JobStore.Outcome(paused, 503, "{\"late\":true}", Duration.ZERO))
                .block(WAIT);
        JsonNode done = awaitState(id, "completed");

        assertThat(late).containsExactly(0, 0);
        assertThat(lateRetry).isZero();
        assertThat(done.get("succeeded").asInt()).isEqualTo(1);
        JsonNode line = results(id, "").get(0);
        assertThat(line.get("data").get("user").get("run").asInt()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM job_items WHERE job_id = " + id + " AND claim = " + pausedClaim))
                .isZero();
        assertThat(USERS.seen()).hasSize(1);
    }

    @Test
    void shouldDeleteFinishedJobsOnlyAfterTheirRetention() {
        usersAnswer(Duration.ZERO);
        long id = submitIds(2, 2);
        awaitState(id, "completed");

        Long kept = store.deleteFinished(Duration.ofHours(1)).block(WAIT);
        assertThat(job(id).get("state").asString()).isEqualTo("completed");
        JobsApiIntegrationTests.sleep(Duration.ofMillis(50));
        Long deleted = store.deleteFinished(Duration.ofMillis(10)).block(WAIT);

        assertThat(kept).isZero();
        assertThat(deleted).isPositive();
        get("/jobs/" + id).exchange().expectStatus().isNotFound();
        assertThat(count("SELECT count(*) FROM job_items WHERE job_id = " + id)).isZero();
    }

    @Test
    void shouldCountItemsAndQueueDepthInMetrics() {
        usersAnswer(Duration.ZERO);
        long id = submitIds(5, 5);
        awaitState(id, "completed");

        String metrics = client.get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        assertThat(metrics)
                .contains(
                        "fanout_jobs_items_total{outcome=\"succeeded\"}",
                        "fanout_jobs_queue_depth",
                        "fanout_jobs_claim_seconds_count",
                        "fanout_jobs_in_flight");
    }
}
