package io.fanout.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.compile.ConfigPipeline;
import io.fanout.engine.ActiveConfig;
import io.fanout.json.JsonCodec;
import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FakeUpstream;
import io.fanout.testsupport.TestDatabase;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Database mode with a real PostgreSQL (a database of its own per test class), the jobs token set, fast polling and
 * short leases, and one fake upstream {@code users} behind the endpoint {@code user} ({@code /v1/users/{id}},
 * query parameter {@code limit}).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "fanout.warm-up=false",
            "FANOUT_JOBS_TOKEN=" + JobsTestBase.TOKEN,
            "fanout.jobs.workers=8",
            "fanout.jobs.poll-interval=100ms",
            "fanout.jobs.lease=15s", // generous: under load a short lease lapses between renewals and items run twice
            "fanout.jobs.retry-backoff=20ms",
            "fanout.jobs.retry-max-backoff=100ms",
            "fanout.jobs.max-attempts=3",
            "fanout.jobs.max-items=5000",
            "fanout.jobs.max-line-length=256B",
            "fanout.jobs.insert-batch=100",
            "fanout.jobs.upload-idle-timeout=1s"
        })
@AutoConfigureWebTestClient
@DirtiesContext // close the context (and its sessions) before the database is dropped at JVM exit
abstract class JobsTestBase {

    static final String TOKEN = "test-jobs-token";
    static final Duration WAIT = Duration.ofSeconds(30);

    static final FakeUpstream USERS = FakeUpstream.start();
    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final AtomicLong VERSION = new AtomicLong(100);

    static final String CONFIG = """
            upstreams:
              users: { url: "${U}", timeout: 2s }
            endpoints:
              user:
                path: /v1/users/{id}
                deadline: 5s
                calls:
                  user: { upstream: users, path: "/users/{path.id}", query: { limit: "{query.limit|10}" } }
            """;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        DATABASE.registerR2dbcProperties(registry);
    }

    @Autowired
    WebTestClient client;

    @Autowired
    ActiveConfig active;

    @Autowired
    ConfigPipeline pipeline;

    @BeforeEach
    void setUp() {
        USERS.reset();
        client = client.mutate().responseTimeout(WAIT).build();
        install(CONFIG);
    }

    void install(String yaml) {
        active.swap(pipeline.load(
                ConfigPipeline.read(yaml.replace("${U}", USERS.url())), VERSION.incrementAndGet(), active.current()));
    }

    static TestDatabase database() {
        return DATABASE;
    }

    /** Answers {@code {"id":"<id>"}} for /users/{id}, after {@code delay}. */
    static void usersAnswer(Duration delay) {
        USERS.on("*", request -> {
            String uri = request.uri();
            String id = uri.substring("/users/".length(), uri.contains("?") ? uri.indexOf('?') : uri.length());
            return FakeUpstream.json("{\"id\":\"" + id + "\"}").withDelay(delay);
        });
    }

    WebTestClient.RequestBodySpec post(String uri) {
        return client.post().uri(uri).header("Authorization", "Bearer " + TOKEN);
    }

    WebTestClient.RequestHeadersSpec<?> get(String uri) {
        return client.get().uri(uri).header("Authorization", "Bearer " + TOKEN);
    }

    /** Submits a JSON job with ids 1..n and answers its id. */
    long submitIds(int n, int concurrency) {
        StringBuilder items = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            items.append(i > 1 ? "," : "").append("{\"id\":\"").append(i).append("\"}");
        }
        return submitJson("{\"endpoint\":\"user\",\"concurrency\":" + concurrency + ",\"items\":[" + items + "]}");
    }

    long submitJson(String body) {
        String answer = post("/jobs")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isAccepted()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        return JsonCodec.MAPPER.readTree(answer).get("id").asLong();
    }

    long upload(String mediaType, String body) {
        String answer = post("/jobs?endpoint=user&concurrency=4")
                .contentType(MediaType.parseMediaType(mediaType))
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isAccepted()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        return JsonCodec.MAPPER.readTree(answer).get("id").asLong();
    }

    JsonNode job(long id) {
        String body = get("/jobs/" + id)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        return JsonCodec.MAPPER.readTree(body);
    }

    JsonNode awaitState(long id, String state) {
        Eventually.await(
                WAIT,
                "job " + id + " " + state,
                () -> job(id).get("state").asString().equals(state),
                () -> job(id));
        return job(id);
    }

    List<JsonNode> results(long id, String query) {
        String body = get("/jobs/" + id + "/results" + query)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.parseMediaType("application/x-ndjson"))
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        if (body == null || body.isEmpty()) {
            return List.of();
        }
        assertThat(body).endsWith("\n");
        return Arrays.stream(body.split("\n")).map(JsonCodec.MAPPER::readTree).toList();
    }

    long count(String sql) {
        return DATABASE.queryForLong(sql);
    }
}
