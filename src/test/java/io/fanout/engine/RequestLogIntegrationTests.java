package io.fanout.engine;

import static io.fanout.testsupport.FakeUpstream.status;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.fanout.compile.ConfigEnvironment;
import io.fanout.compile.ConfigPipeline;
import io.fanout.compile.UpstreamClientFactory;
import io.fanout.testsupport.FanoutIntegrationTests;
import io.fanout.testsupport.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hardening #9 and SPEC §2/§6: every log line about a failing request carries its id, and no line carries client
 * data the SPEC does not allow (a template value the driver would quote) or a secret (an upstream header from
 * {@code ${ENV}}, a JDBC password), at DEBUG as at WARN. Also: {@code ${ENV}} headers arrive expanded upstream.
 */
class RequestLogIntegrationTests extends FanoutIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicLong VERSION = new AtomicLong(7_000_000);
    private static final String TOKEN = "tok-5e7c3a1f-never-logged";
    private static final String PASSWORD = "pw-9b4d2e6a-never-logged";
    private static final String VALUE = "client_value_q8z3";
    private static final String REQUEST_ID = "log-test-request-4711";

    private static TestDatabase legacy;

    @Autowired
    private UpstreamClientFactory clients;

    @Autowired
    private MeterRegistry registry;

    /** A role of its own that logs in with {@link #PASSWORD}: a real password login on every kind of test server. */
    private static final String ROLE = "log_test_" + Long.toHexString(System.nanoTime());

    @BeforeAll
    static void createDatabase() {
        legacy = TestDatabase.create();
        legacy.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
    }

    @AfterAll
    static void dropDatabase() {
        legacy.close();
        try (TestDatabase other = TestDatabase.create()) {
            other.execute("DROP ROLE IF EXISTS " + ROLE);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void shouldLogEveryFailureOfARequestWithItsIdAndWithoutClientValuesOrSecrets() throws IOException {
        String yaml = """
                upstreams:
                  secured: { url: "${A}", timeout: 5s, headers: { Authorization: "Bearer ${LOG_TEST_TOKEN}" } }
                  gone: { url: "http://127.0.0.1:PORT", timeout: 5s, connect-timeout: 2s }
                  legacy: { kind: jdbc, url: "DB", username: "USER", password: "${LOG_TEST_PASSWORD}", pool-size: 1,
                            timeout: 5s }
                endpoints:
                  failing:
                    path: /failing/{id}
                    calls:
                      secured: { upstream: secured, path: "/secured/{path.id}", required: false }
                      gone: { upstream: gone, path: "/gone", required: false }
                      lookup: { upstream: legacy, query: "select ({path.id})::regclass as r", required: false }
                """.replace("${A}", A.url())
                .replace("PORT", Integer.toString(closedPort()))
                .replace("DB", legacy.jdbcUrl())
                .replace("USER", ROLE);
        Map<String, String> environment = Map.of("LOG_TEST_TOKEN", TOKEN, "LOG_TEST_PASSWORD", PASSWORD);
        ConfigPipeline withSecrets =
                new ConfigPipeline(clients, registry, ConfigEnvironment.fileMode(environment::get));
        active.swap(withSecrets.load(ConfigPipeline.read(yaml), VERSION.incrementAndGet(), active.current()));
        A.on("/secured/" + VALUE, status(500, "{\"error\":\"boom\"}"));
        JsonNode answer;
        List<ILoggingEvent> all;
        List<ILoggingEvent> aboutRequests;

        try (LogCapture logs = new LogCapture("io.fanout", "com.zaxxer.hikari")) {
            answer = JSON.readTree(client.get()
                    .uri("/failing/" + VALUE)
                    .header("X-Request-Id", REQUEST_ID)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .returnResult()
                    .getResponseBody());
            all = logs.events("");
            aboutRequests = logs.events("io.fanout.engine.Execution", "io.fanout.upstream", "io.fanout.web");
        }

        assertThat(answer.at("/errors").size()).as(answer.toString()).isEqualTo(3);
        assertThat(answer.toString()).doesNotContain(VALUE + "\" does not exist");
        assertThat(A.seen("/secured/"))
                .singleElement()
                .satisfies(s -> assertThat(s.header("Authorization")).isEqualTo("Bearer " + TOKEN));
        assertThat(aboutRequests)
                .extracting(LogCapture::printed)
                .as("a line for each failed call, the query's at WARN")
                .hasSizeGreaterThanOrEqualTo(4)
                .anyMatch(l -> l.startsWith("WARN") && l.contains("SQLSTATE 42P01"))
                .allMatch(l -> l.contains(REQUEST_ID));
        assertThat(all)
                .extracting(LogCapture::printed)
                .noneMatch(l -> l.contains(VALUE))
                .noneMatch(l -> l.contains(TOKEN))
                .noneMatch(l -> l.contains(PASSWORD));
    }
}
