package io.fanout.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.json.JsonCodec;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/** Submitting, reading, listing and cancelling jobs over HTTP; uploads rejected as a whole. */
class JobsApiIntegrationTests extends JobsTestBase {

    @Test
    void shouldRunEveryItemAndServeResultsInItemOrder() {
        // later ids answer sooner, so items finish out of order
        USERS.on("*", request -> {
            String uri = request.uri();
            int id = Integer.parseInt(uri.substring("/users/".length(), uri.indexOf('?')));
            return io.fanout.testsupport.FakeUpstream.json("{\"id\":" + id + "}")
                    .withDelay(Duration.ofMillis((40 - id) * 2L));
        });

        long id = upload(
                "text/csv",
                "id,limit\n"
                        + IntStream.rangeClosed(1, 39)
                                .mapToObj(i -> i + "," + (i % 3))
                                .reduce("", (a, b) -> a + b + "\n"));
        JsonNode done = awaitState(id, "completed");

        assertThat(done.get("total").asInt()).isEqualTo(39);
        assertThat(done.get("succeeded").asInt()).isEqualTo(39);
        assertThat(done.get("failed").asInt()).isZero();
        assertThat(done.get("pending").asInt()).isZero();
        assertThat(done.get("startedAt").isNull()).isFalse();
        assertThat(done.get("finishedAt").isNull()).isFalse();
        List<JsonNode> lines = results(id, "");
        assertThat(lines)
                .extracting(l -> l.get("item").asInt())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 39).boxed().toList());
        JsonNode seventeenth = lines.get(16);
        assertThat(seventeenth.get("input").toString()).isEqualTo("{\"id\":\"17\",\"limit\":\"2\"}");
        assertThat(seventeenth.get("status").asInt()).isEqualTo(200);
        assertThat(seventeenth.get("data").get("user").get("id").asInt()).isEqualTo(17);
        assertThat(seventeenth.get("errors").isArray()).isTrue();
        assertThat(seventeenth.get("errors")).isEmpty();
        assertThat(USERS.seen("/users/17"))
                .singleElement()
                .satisfies(s -> assertThat(s.uri()).isEqualTo("/users/17?limit=2"));
    }

    @Test
    void shouldAcceptNdjsonWithQuotedCsvLikeValuesAndFollowResultsUntilTheEnd() {
        usersAnswer(Duration.ofMillis(20));

        long id = upload("application/x-ndjson", "{\"id\":\"a,b\"}\n\n{\"id\":7,\"limit\":true}\r\n{\"id\":\"x\"}");
        List<JsonNode> followed = results(id, "?follow=true");

        assertThat(followed).extracting(l -> l.get("item").asInt()).containsExactly(1, 2, 3);
        assertThat(followed.get(1).get("input").toString()).isEqualTo("{\"id\":\"7\",\"limit\":\"true\"}");
        assertThat(job(id).get("state").asString()).isEqualTo("completed");
        assertThat(USERS.seen("/users/a%2Cb")).hasSize(1);
    }

    @Test
    void shouldRejectAMalformedUploadNamingTheLineAndLeaveNoJobOrItem() {
        usersAnswer(Duration.ZERO);
        long jobs = count("SELECT count(*) FROM jobs");
        long items = count("SELECT count(*) FROM job_items");
        // more than one insert batch (100) is written before the bad line is read
        StringBuilder csv = new StringBuilder("id,limit\n");
        for (int i = 1; i <= 250; i++) {
            csv.append(i).append(",5\n");
        }
        csv.append("\"251,5\n"); // line 252: a quote that never closes

        assertProblem(
                post("/jobs?endpoint=user")
                        .contentType(MediaType.parseMediaType("text/csv"))
                        .bodyValue(csv.toString()),
                400,
                "line 252");
        assertProblem(
                post("/jobs?endpoint=user")
                        .contentType(MediaType.parseMediaType("text/csv"))
                        .bodyValue("id\n1\n2\"x\n"),
                400,
                "line 3: a quote inside an unquoted field");
        assertProblem(
                post("/jobs?endpoint=user")
                        .contentType(MediaType.parseMediaType("text/csv"))
                        .bodyValue("id\n1\n2,3\n"),
                400,
                "line 3: has 2 fields but the header names 1");
        assertProblem(
                post("/jobs?endpoint=user")
                        .contentType(MediaType.parseMediaType("application/x-ndjson"))
                        .bodyValue("{\"id\":\"1\"}\n{\"id\":\"2\"}\n{\"id\":\n"),
                400,
                "line 3: not valid JSON");
        assertProblem(
                post("/jobs?endpoint=user")
                        .contentType(MediaType.parseMediaType("application/x-ndjson"))
                        .bodyValue("{\"id\":\"1\"}\n{\"id\":\"2\",\"colour\":\"red\"}\n"),
                400,
                "line 2: unknown field 'colour' for endpoint 'user' (known: id, limit)");
        assertProblem(
                post("/jobs?endpoint=user")
                        .contentType(MediaType.parseMediaType("application/x-ndjson"))
                        .bodyValue("{\"id\":\"1\"}\n{\"id\":\"" + "x".repeat(300) + "\"}\n"),
                400,
                "line 2: longer than the limit of 256 bytes");
        assertProblem(
                post("/jobs?endpoint=user")
                        .contentType(MediaType.parseMediaType("application/x-ndjson"))
                        .bodyValue("{\"limit\":\"1\"}\n"),
                400,
                "line 1: missing field 'id'");
        assertProblem(
                post("/jobs")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"endpoint\":\"user\",\"items\":[{\"id\":\"1\"},{\"id\":{\"deep\":1}}]}"),
                400,
                "items[1]: field 'id' must be a string, number or boolean");

        assertThat(count("SELECT count(*) FROM jobs")).isEqualTo(jobs);
        assertThat(count("SELECT count(*) FROM job_items")).isEqualTo(items);
        assertThat(USERS.seen()).isEmpty();
        // more rejected uploads than the pool has connections: none may keep its connection
        for (int i = 0; i < 12; i++) {
            assertProblem(
                    post("/jobs?endpoint=user")
                            .contentType(MediaType.parseMediaType("text/csv"))
                            .bodyValue(csv.toString()),
                    400,
                    "line 252");
        }
        assertThat(awaitState(submitIds(3, 3), "completed").get("succeeded").asInt())
                .isEqualTo(3);
    }

    @Test
    void shouldRefuseAQuotedFieldLongerThanTheLineLimitWhileTheClientIsStillSending() {
        long jobs = count("SELECT count(*) FROM jobs");
        long items = count("SELECT count(*) FROM job_items");
        org.springframework.core.io.buffer.DefaultDataBufferFactory buffers =
                org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance;
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        // endless short lines inside one quote that never closes: only a refusal while it is sent can answer
        int chunks = Integer.MAX_VALUE;
        byte[] shortLines = "ab\n".repeat(64).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        reactor.core.publisher.Flux<org.springframework.core.io.buffer.DataBuffer> endless =
                reactor.core.publisher.Flux.<org.springframework.core.io.buffer.DataBuffer>just(
                                buffers.wrap("id\n\"".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .concatWith(reactor.core.publisher.Flux.range(0, chunks).map(i -> {
                            sent.incrementAndGet();
                            return buffers.wrap(shortLines);
                        }));

        assertProblem(
                post("/jobs?endpoint=user")
                        .contentType(MediaType.parseMediaType("text/csv"))
                        .body(endless, org.springframework.core.io.buffer.DataBuffer.class),
                400,
                "line 2: a quoted field spans lines 2-");

        assertThat(sent.get())
                .as("refused while the client was still sending")
                .isLessThan(chunks)
                .isPositive();
        assertThat(count("SELECT count(*) FROM jobs")).isEqualTo(jobs);
        assertThat(count("SELECT count(*) FROM job_items")).isEqualTo(items);
    }

    @Test
    void shouldNotHoldADatabaseConnectionWhileSlowUploadsWaitForTheirClients() throws Exception {
        usersAnswer(Duration.ZERO);
        int uploads = 14; // more than the pool's 10 connections
        int lines = 40;
        org.springframework.core.io.buffer.DefaultDataBufferFactory buffers =
                org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance;
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(uploads);
        java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
        try {
            List<java.util.concurrent.Future<Long>> ids = new java.util.ArrayList<>();
            for (int u = 0; u < uploads; u++) {
                // a line every 150 ms for 6 s: slower than the database, faster than the idle timeout (1 s)
                reactor.core.publisher.Flux<org.springframework.core.io.buffer.DataBuffer> slow =
                        reactor.core.publisher.Flux.<org.springframework.core.io.buffer.DataBuffer>just(
                                        buffers.wrap("id\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                                .concatWith(reactor.core.publisher.Flux.interval(Duration.ofMillis(150))
                                        .take(lines)
                                        .map(n -> buffers.wrap(
                                                (n + 1 + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8))));
                ids.add(senders.submit(() -> {
                    String answer = post("/jobs?endpoint=user&concurrency=2")
                            .contentType(MediaType.parseMediaType("text/csv"))
                            .body(slow, org.springframework.core.io.buffer.DataBuffer.class)
                            .exchange()
                            .expectStatus()
                            .isAccepted()
                            .expectBody(String.class)
                            .returnResult()
                            .getResponseBody();
                    finished.incrementAndGet();
                    return JsonCodec.MAPPER.readTree(answer).get("id").asLong();
                }));
            }
            io.fanout.testsupport.Eventually.await(
                    WAIT,
                    "every upload staging",
                    () -> count("SELECT count(*) FROM jobs WHERE state = 'staging'") == uploads,
                    () -> count("SELECT count(*) FROM jobs WHERE state = 'staging'"));

            // a submission, its claims and its result writes all need connections while the uploads still send
            long quick = submitIds(3, 3);
            awaitState(quick, "completed");
            int finishedWhenQuickDone = finished.get();

            assertThat(finishedWhenQuickDone)
                    .as("uploads finished before the quick job could")
                    .isZero();
            assertThat(get("/jobs?state=queued")
                            .exchange()
                            .expectBody(String.class)
                            .returnResult()
                            .getResponseBody())
                    .doesNotContain("staging");
            for (java.util.concurrent.Future<Long> id : ids) {
                assertThat(awaitState(id.get(), "completed").get("succeeded").asInt())
                        .isEqualTo(lines);
            }
            assertThat(count("SELECT count(*) FROM jobs WHERE state = 'staging'"))
                    .isZero();
        } finally {
            senders.shutdownNow();
        }
    }

    @Test
    void shouldDeleteTheStagedRowsOfAnUploadWhoseInstanceCrashed() {
        // an instance that crashed while it was staging an upload: it stopped renewing the staging lease
        database()
                .execute("WITH j AS (INSERT INTO jobs (endpoint, concurrency, state, staging_until,"
                        + " idempotency_key) VALUES ('user', 1, 'staging', now() + interval '2 seconds', 'crashed-upload')"
                        + " RETURNING id)"
                        + " INSERT INTO job_items (job_id, item, input) SELECT id, n, '{\"id\":\"1\"}'"
                        + " FROM j, generate_series(1, 3) AS n");
        long id = count("SELECT id FROM jobs WHERE idempotency_key = 'crashed-upload'");
        get("/jobs/" + id).exchange().expectStatus().isNotFound(); // staging jobs are invisible
        assertThat(get("/jobs")
                        .exchange()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody())
                .doesNotContain("\"id\":" + id + ",");

        io.fanout.testsupport.Eventually.await(
                WAIT,
                "the sweeper to delete the staged job",
                () -> count("SELECT count(*) FROM jobs WHERE state = 'staging'") == 0,
                () -> count("SELECT count(*) FROM jobs WHERE state = 'staging'"));

        assertThat(count("SELECT count(*) FROM job_items WHERE job_id = " + id)).isZero();
        assertThat(USERS.seen()).isEmpty();
    }

    @Test
    void shouldAbandonAnUploadThatStallsAndStoreNothing() {
        long jobs = count("SELECT count(*) FROM jobs");
        org.springframework.core.io.buffer.DefaultDataBufferFactory buffers =
                org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance;
        reactor.core.publisher.Flux<org.springframework.core.io.buffer.DataBuffer> stalled =
                reactor.core.publisher.Flux.<org.springframework.core.io.buffer.DataBuffer>just(
                                buffers.wrap("id\n1\n2\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .concatWith(reactor.core.publisher.Flux.never());

        assertProblem(
                post("/jobs?endpoint=user")
                        .contentType(MediaType.parseMediaType("text/csv"))
                        .body(stalled, org.springframework.core.io.buffer.DataBuffer.class),
                408,
                "sent nothing for 1s");

        assertThat(count("SELECT count(*) FROM jobs")).isEqualTo(jobs);
    }

    @Test
    void shouldLimitItemsPerJob() {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 1; i <= 5001; i++) {
            ndjson.append("{\"id\":\"").append(i).append("\"}\n");
        }

        assertProblem(
                post("/jobs?endpoint=user")
                        .contentType(MediaType.parseMediaType("application/x-ndjson"))
                        .bodyValue(ndjson.toString()),
                413,
                "line 5001: more than the limit of 5000 items");
    }

    @Test
    void shouldAnswer404ForAnUnknownEndpointAnd401WithoutToken() {
        assertProblem(
                post("/jobs")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"endpoint\":\"nope\",\"items\":[{\"id\":\"1\"}]}"),
                404,
                "no endpoint named 'nope'");
        assertProblem(
                post("/jobs?endpoint=nope")
                        .contentType(MediaType.parseMediaType("text/csv"))
                        .bodyValue("id\n1\n"),
                404,
                "no endpoint named 'nope' (known: user)");
        assertProblem(get("/jobs/999999"), 404, "no job 999999");

        client.get()
                .uri("/jobs")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        client.get()
                .uri("/jobs")
                .header("Authorization", "Bearer wrong")
                .exchange()
                .expectStatus()
                .isUnauthorized();
    }

    @Test
    void shouldReturnTheSameJobWhenASubmissionIsRetriedWithItsIdempotencyKey() {
        usersAnswer(Duration.ZERO);
        String body = "{\"endpoint\":\"user\",\"items\":[{\"id\":\"1\"},{\"id\":\"2\"}]}";

        String first = post("/jobs")
                .header("Idempotency-Key", "order-42")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isAccepted()
                .expectBody(String.class)
                .returnResult()
                .getResponseHeaders()
                .getFirst("Location");
        String again = post("/jobs")
                .header("Idempotency-Key", "order-42")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isAccepted()
                .expectHeader()
                .valueEquals("Idempotent-Replayed", "true")
                .expectBody(String.class)
                .returnResult()
                .getResponseHeaders()
                .getFirst("Location");
        String upload = post("/jobs?endpoint=user")
                .header("Idempotency-Key", "order-42")
                .contentType(MediaType.parseMediaType("text/csv"))
                .bodyValue("id\n1\n2\n3\n")
                .exchange()
                .expectStatus()
                .isAccepted()
                .expectBody(String.class)
                .returnResult()
                .getResponseHeaders()
                .getFirst("Location");

        assertThat(first).startsWith("/jobs/");
        assertThat(again).isEqualTo(first);
        assertThat(upload).isEqualTo(first);
        assertThat(count("SELECT count(*) FROM jobs WHERE idempotency_key = 'order-42'"))
                .isEqualTo(1);
        long id = Long.parseLong(first.substring("/jobs/".length()));
        assertThat(awaitState(id, "completed").get("total").asInt()).isEqualTo(2);
    }

    @Test
    void shouldCancelSoThatPendingItemsNeverRun() {
        usersAnswer(Duration.ofMillis(300));
        long id = submitIds(40, 2);
        io.fanout.testsupport.Eventually.await(
                WAIT, "first items running", () -> USERS.seen().size() >= 2, USERS::seen);

        String cancelled = client.delete()
                .uri("/jobs/" + id)
                .header("Authorization", "Bearer " + TOKEN)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        assertThat(JsonCodec.MAPPER.readTree(cancelled).get("state").asString()).isEqualTo("cancelled");
        io.fanout.testsupport.Eventually.await(
                WAIT,
                "no running item left",
                () -> count("SELECT count(*) FROM job_items WHERE job_id = " + id + " AND state = 'running'") == 0,
                () -> count("SELECT count(*) FROM job_items WHERE job_id = " + id + " AND state = 'running'"));
        int seenAfterCancel = USERS.seen().size();
        sleep(Duration.ofMillis(500)); // several poll intervals: nothing else may start
        assertThat(USERS.seen().size()).isEqualTo(seenAfterCancel);
        long done = count("SELECT count(*) FROM job_items WHERE job_id = " + id + " AND state = 'done'");
        long never = count("SELECT count(*) FROM job_items WHERE job_id = " + id + " AND state = 'cancelled'");
        // items running at the cancel finish with a result; every other item was cancelled and never ran
        assertThat(done + never).isEqualTo(40);
        assertThat(never).isPositive();
        assertThat(USERS.seen()).hasSize((int) done);
        JsonNode job = job(id);
        assertThat(job.get("state").asString()).isEqualTo("cancelled");
        assertThat(job.get("succeeded").asInt()).isEqualTo(results(id, "").size());
        assertProblem(
                client.delete().uri("/jobs/" + submitAndComplete()).header("Authorization", "Bearer " + TOKEN),
                409,
                "is already completed");
    }

    private long submitAndComplete() {
        usersAnswer(Duration.ZERO);
        long id = submitIds(1, 1);
        awaitState(id, "completed");
        return id;
    }

    @Test
    void shouldListJobsByStateOnePageAtATime() {
        usersAnswer(Duration.ZERO);
        long a = submitIds(1, 1);
        long b = submitIds(1, 1);
        long c = submitIds(1, 1);
        awaitState(a, "completed");
        awaitState(b, "completed");
        awaitState(c, "completed");

        JsonNode page = JsonCodec.MAPPER.readTree(get("/jobs?state=completed&limit=2")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());
        String next = page.get("next").asString();
        JsonNode second = JsonCodec.MAPPER.readTree(get(next)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());

        assertThat(page.get("jobs")).extracting(j -> j.get("id").asLong()).containsExactly(c, b);
        assertThat(second.get("jobs").get(0).get("id").asLong()).isEqualTo(a);
        assertThat(JsonCodec.MAPPER
                        .readTree(get("/jobs?state=running")
                                .exchange()
                                .expectStatus()
                                .isOk()
                                .expectBody(String.class)
                                .returnResult()
                                .getResponseBody())
                        .get("jobs"))
                .isEmpty();
        assertProblem(get("/jobs?state=sleeping"), 400, "state must be one of");
    }

    @Test
    void shouldSendProgressEventsAndAFinalDone() {
        usersAnswer(Duration.ofMillis(20));
        long id = submitIds(10, 2);

        String events = get("/jobs/" + id + "/events")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        assertThat(events).startsWith("event: progress\ndata: {");
        assertThat(events).contains("event: done\ndata: {\"id\":" + id);
        assertThat(events.substring(events.lastIndexOf("event: ")))
                .startsWith("event: done")
                .contains("\"state\":\"completed\"", "\"succeeded\":10");
    }

    private void assertProblem(
            org.springframework.test.web.reactive.server.WebTestClient.RequestHeadersSpec<?> spec,
            int status,
            String detail) {
        String body = spec.exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(JsonCodec.MAPPER.readTree(body).get("detail").asString()).contains(detail);
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
