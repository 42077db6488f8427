package io.fanout.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FakeUpstream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Jobs behaviour of SPEC §5 that had no test, through the real worker, PostgreSQL and a loopback upstream: an item
 * whose composite answer is a timeout (504) or a circuit-open (503) is retried like any retryable failure, and batch
 * traffic holds at most the bulkhead's batch share of an upstream while live requests still get through.
 */
class JobsRetryAndShareIntegrationTests extends JobsTestBase {

    @Test
    void shouldRetryAnItemWhoseCallTimedOut() {
        install("""
                upstreams:
                  users: { url: "${U}", timeout: 300ms }
                endpoints:
                  user:
                    path: /v1/users/{id}
                    deadline: 5s
                    calls:
                      user: { upstream: users, path: "/users/{path.id}" }
                """);
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        // the first attempt hangs far past the 300ms call timeout, the second answers at once
        USERS.on(
                "*",
                request -> calls.computeIfAbsent(request.uri(), u -> new AtomicInteger())
                                        .incrementAndGet()
                                == 1
                        ? FakeUpstream.json("{\"late\":true}").withDelay(Duration.ofSeconds(10))
                        : FakeUpstream.json("{\"ok\":true}"));

        long id = submitIds(1, 1);
        JsonNode done = awaitState(id, "completed");

        assertThat(done.get("succeeded").asInt()).isEqualTo(1);
        assertThat(USERS.seen("/users/1")).hasSize(2);
        JsonNode line = results(id, "").get(0);
        assertThat(line.get("status").asInt()).isEqualTo(200);
        assertThat(line.get("data").get("user").get("ok").asBoolean()).isTrue();
    }

    @Test
    void shouldRetryAnItemRefusedByAnOpenCircuit() {
        install("""
                upstreams:
                  users:
                    url: "${U}"
                    circuit-breaker: { min-calls: 2, failure-rate: 50%, window: 60s, open-for: 10m }
                endpoints:
                  user:
                    path: /v1/users/{id}
                    deadline: 5s
                    calls:
                      user: { upstream: users, path: "/users/{path.id}" }
                """);
        USERS.on("*", FakeUpstream.status(500, "{}"));
        client.get().uri("/v1/users/live1").exchange().expectStatus().isEqualTo(502);
        client.get().uri("/v1/users/live2").exchange().expectStatus().isEqualTo(502);
        client.get().uri("/v1/users/live3").exchange().expectStatus().isEqualTo(503); // the circuit is open
        USERS.reset();
        USERS.on("*", FakeUpstream.json("{\"ok\":true}"));

        long id = submitIds(1, 1);
        JsonNode done = awaitState(id, "completed");

        assertThat(done.get("failed").asInt()).isEqualTo(1);
        assertThat(USERS.seen()).as("an open circuit never lets the call out").isEmpty();
        JsonNode line = results(id, "").get(0);
        assertThat(line.get("status").asInt()).isEqualTo(503);
        assertThat(line.get("errors").get(0).get("type").asString()).isEqualTo("circuit-open");
        // fanout.jobs.max-attempts=3: the same count as the 5xx case (JobsRunIntegrationTests), so circuit-open was
        // retried
        assertThat(count("SELECT max(attempts) FROM job_items WHERE job_id = " + id))
                .isEqualTo(2);
    }

    @Test
    void shouldHoldAtMostTheBatchShareOfABulkheadWhileLiveTrafficGetsThrough() {
        install("""
                upstreams:
                  users:
                    url: "${U}"
                    bulkhead: { max-concurrent: 4, max-wait: 4s, batch-share: 50% }
                endpoints:
                  user:
                    path: /v1/users/{id}
                    deadline: 5s
                    calls:
                      user: { upstream: users, path: "/users/{path.id}" }
                """);
        usersAnswer(Duration.ofMillis(300));

        long id = submitIds(16, 8); // 8 workers would hold all 4 permits without the share
        Eventually.await(WAIT, "batch items in flight", () -> USERS.inFlight() >= 2, () -> USERS.inFlight());
        client.get().uri("/v1/users/live").exchange().expectStatus().isOk();
        JsonNode done = awaitState(id, "completed");

        assertThat(done.get("succeeded").asInt()).isEqualTo(16);
        // the live request may add one more; batch alone never passed floor(50% x 4) = 2
        assertThat(USERS.maxInFlight()).isBetween(2, 3);
        assertThat(USERS.seen("/users/live")).hasSize(1);
    }
}
