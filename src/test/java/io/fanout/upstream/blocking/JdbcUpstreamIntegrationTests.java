package io.fanout.upstream.blocking;

import static io.fanout.testsupport.FakeUpstream.json;
import static io.fanout.testsupport.FakeUpstream.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FanoutIntegrationTests;
import io.fanout.testsupport.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code kind: jdbc} against a real PostgreSQL playing the legacy database, through the whole server (BlockHound is
 * installed for every test, so any blocking call on an event loop or parallel thread fails the test).
 */
class JdbcUpstreamIntegrationTests extends FanoutIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private static TestDatabase legacy;

    @BeforeAll
    static void createLegacyDatabase() {
        legacy = TestDatabase.create();
        legacy.execute("""
                create table accounts (
                  id bigint primary key, name text, balance numeric(12, 2), ratio double precision, active boolean,
                  created timestamp, created_tz timestamptz, born date, note text, prefs jsonb, raw json, tags text[])
                """);
        legacy.execute("""
                insert into accounts values
                  (1, 'Ada', 12.50, 0.25, true, '2024-01-02 03:04:05', '2024-01-02 03:04:05+00', '1990-05-06', null,
                   '{"theme": "dark", "n": [1, 2]}', '[1, "a", null]', '{a,b}'),
                  (2, 'O''Brien', -3, null, false, null, null, null, 'x', null, null, null)
                """);
    }

    @AfterAll
    static void dropLegacyDatabase() {
        if (legacy != null) { // null when no PostgreSQL was found: the set-up failure is the one to report
            legacy.close();
        }
    }

    private void installWithDb(String yaml) {
        // a test server that asks for a password (FANOUT_TEST_DB=private|testcontainers) gets it in the URL
        String url = legacy.password() == null
                ? legacy.jdbcUrl()
                : legacy.jdbcUrl() + "?password="
                        + java.net.URLEncoder.encode(legacy.password(), java.nio.charset.StandardCharsets.UTF_8);
        install(yaml.replace("${DB}", url).replace("${DB_USER}", legacy.username()));
    }

    private JsonNode get(String uri) {
        // already encoded: no second round of encoding
        byte[] body = client.get()
                .uri(java.net.URI.create("http://127.0.0.1:" + port + uri))
                .exchange()
                .expectBody()
                .returnResult()
                .getResponseBody();
        return JSON.readTree(body);
    }

    @Test
    void shouldAnswerRowsAsJsonWithEveryColumnType() {
        installWithDb("""
                upstreams:
                  legacy: { kind: jdbc, url: "${DB}", username: "${DB_USER}", pool-size: 2, timeout: 5s }
                endpoints:
                  all:
                    path: /accounts
                    calls:
                      rows: { upstream: legacy, query: "select * from accounts order by id" }
                  one:
                    path: /accounts/{id}
                    calls:
                      account: { upstream: legacy, query: "select * from accounts where id = {path.id}", single: true }
                """);

        JsonNode all = get("/accounts");
        JsonNode one = get("/accounts/1");

        assertThat(all.at("/errors")).as(all.toString()).isEmpty();
        JsonNode ada = all.at("/data/rows/0");
        assertThat(all.at("/data/rows").size()).isEqualTo(2);
        assertThat(ada.get("id").isIntegralNumber()).isTrue();
        assertThat(ada.get("id").asLong()).isEqualTo(1);
        assertThat(ada.get("name").asString()).isEqualTo("Ada");
        assertThat(ada.get("balance").decimalValue()).isEqualByComparingTo("12.50");
        assertThat(ada.get("ratio").asDouble()).isEqualTo(0.25);
        assertThat(ada.get("active").isBoolean()).isTrue();
        assertThat(ada.get("active").asBoolean()).isTrue();
        assertThat(ada.get("created").asString()).isEqualTo("2024-01-02T03:04:05");
        assertThat(ada.get("created_tz").asString()).isEqualTo("2024-01-02T03:04:05Z");
        assertThat(ada.get("born").asString()).isEqualTo("1990-05-06");
        assertThat(ada.get("note").isNull()).isTrue();
        assertThat(ada.get("prefs").isObject()).isTrue();
        assertThat(ada.at("/prefs/theme").asString()).isEqualTo("dark");
        assertThat(ada.at("/prefs/n/1").asInt()).isEqualTo(2);
        assertThat(ada.get("raw").toString()).isEqualTo("[1,\"a\",null]");
        assertThat(ada.get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        JsonNode obrien = all.at("/data/rows/1");
        assertThat(obrien.get("balance").decimalValue()).isEqualByComparingTo("-3");
        assertThat(obrien.get("ratio").isNull()).isTrue();
        assertThat(obrien.get("active").asBoolean()).isFalse();
        assertThat(obrien.get("prefs").isNull()).isTrue();
        assertThat(one.at("/data/account/name").asString()).isEqualTo("Ada");
        assertThat(one.at("/meta/calls/account/attempts").asInt()).isEqualTo(1);
    }

    @Test
    void shouldBindHostileValuesAsParametersNeverAsSql() {
        installWithDb("""
                upstreams:
                  legacy: { kind: jdbc, url: "${DB}", username: "${DB_USER}", pool-size: 2, timeout: 5s }
                endpoints:
                  by-name:
                    path: /by-name
                    calls:
                      rows: { upstream: legacy, query: "select id from accounts where name = {query.name}" }
                  by-id:
                    path: /by-id/{id}
                    calls:
                      row: { upstream: legacy, query: "select name from accounts where id = {path.id}", single: true }
                """);
        String drop = "x'; drop table accounts; --";

        JsonNode quoted = get("/by-name?name=" + encode("O'Brien"));
        JsonNode injected = get("/by-name?name=" + encode(drop));
        JsonNode injectedNumber = get("/by-id/" + encode("1; drop table accounts"));
        JsonNode missing = get("/by-id/999");

        assertThat(quoted.at("/data/rows").toString()).isEqualTo("[{\"id\":2}]");
        assertThat(injected.at("/data/rows").toString()).isEqualTo("[]");
        assertThat(injectedNumber.at("/errors/0/type").asString()).isEqualTo("bad-template-value");
        assertThat(injectedNumber.toString()).doesNotContain("drop table");
        assertThat(missing.at("/status").asInt())
                .as("no row for single: true is a 404")
                .isEqualTo(404);
        assertThat(legacy.queryForLong("select count(*) from accounts")).isEqualTo(2);
    }

    @Test
    void shouldRunQueriesInAReadOnlyTransaction() {
        // a function that writes passes the load-time check (no writing keyword in the query): the transaction stops it
        legacy.execute("create table audit (n int)");
        legacy.execute(
                "create function sneaky_write() returns int language sql as 'insert into audit values (1) returning n'");
        installWithDb("""
                upstreams:
                  legacy: { kind: jdbc, url: "${DB}", username: "${DB_USER}", pool-size: 2, timeout: 5s }
                endpoints:
                  sneaky:
                    path: /sneaky
                    calls:
                      rows: { upstream: legacy, query: "select sneaky_write() as n" }
                """);

        JsonNode answer = get("/sneaky");

        assertThat(answer.at("/status").asInt()).as(answer.toString()).isEqualTo(502);
        assertThat(answer.at("/errors/0/message").asString()).isEqualTo("legacy failed the query (SQLSTATE 25006)");
        assertThat(legacy.queryForLong("select count(*) from audit")).isZero();
    }

    @Test
    void shouldCancelAQuerySlowerThanItsBudgetOnTheServer() {
        installWithDb("""
                upstreams:
                  legacy: { kind: jdbc, url: "${DB}", username: "${DB_USER}", pool-size: 2, timeout: 400ms }
                endpoints:
                  slow:
                    path: /slow
                    calls:
                      rows: { upstream: legacy, query: "select pg_sleep(20), 'slow-budget' as tag" }
                """);

        JsonNode answer = get("/slow");

        assertThat(answer.at("/status").asInt()).as(answer.toString()).isEqualTo(504);
        assertThat(answer.at("/errors/0/type").asString()).isEqualTo("timeout");
        Eventually.await(
                PATIENCE,
                "the sleeping statement is gone from pg_stat_activity",
                () -> activeQueries("slow-budget") == 0,
                () -> activeQueries("slow-budget") + " still active");
    }

    @Test
    void shouldCancelTheStatementWhenTheCallIsCancelledBeforeItsTimeout() {
        installWithDb("""
                upstreams:
                  a: { url: "${A}" }
                  legacy: { kind: jdbc, url: "${DB}", username: "${DB_USER}", pool-size: 2, timeout: 60s }
                endpoints:
                  ff:
                    path: /ff
                    on-failure: fail-fast
                    deadline: 90s
                    calls:
                      fails: { upstream: a, path: /fails }
                      rows: { upstream: legacy, query: "select pg_sleep(60), 'cancel-me' as tag" }
                """);
        // 3s: the statement must be running in PostgreSQL when the failure cancels it (a cold JDBC pool on a loaded
        // box can take a second to start it; cancelled earlier, the check below would pass without a cancel)
        A.on("/fails", status(500, "{}").withDelay(Duration.ofSeconds(3)));

        JsonNode answer = get("/ff");

        assertThat(answer.at("/errors").toString()).contains("cancelled");
        // the statement timeout is 60s: only Statement.cancel() can end it this soon
        Eventually.await(
                PATIENCE,
                "the cancelled statement is gone from pg_stat_activity",
                () -> activeQueries("cancel-me") == 0,
                () -> activeQueries("cancel-me") + " still active");
    }

    @Test
    void shouldAnswerBulkheadFullWhenThePoolIsExhaustedInsteadOfQueueing() {
        installWithDb("""
                upstreams:
                  tiny: { kind: jdbc, url: "${DB}", username: "${DB_USER}", pool-size: 2, timeout: 15s }
                endpoints:
                  busy:
                    path: /busy
                    deadline: 20s
                    calls:
                      rows: { upstream: tiny, query: "select pg_sleep(5), 'busy' as tag", required: false }
                """);
        HttpClient http = HttpClient.create().baseUrl("http://127.0.0.1:" + port);

        List<String> outcomes = Flux.range(0, 8)
                .flatMap(
                        i -> http.get()
                                .uri("/busy")
                                .responseContent()
                                .aggregate()
                                .asString(),
                        8)
                .map(body -> JSON.readTree(body))
                .map(a -> a.at("/errors").isEmpty()
                        ? "ok"
                        : a.at("/errors/0/type").asString())
                .collectList()
                .block(Duration.ofSeconds(60));

        // the eight requests arrive within the 5s the first two hold the pool (a 1.5s sleep was too tight a window
        // on a loaded box: a late request found a free connection)
        assertThat(outcomes).hasSize(8);
        assertThat(outcomes).containsOnly("ok", "bulkhead-full");
        assertThat(outcomes.stream().filter("ok"::equals).count()).isBetween(1L, 2L);
        assertThat(threadsNamed("fanout-jdbc-tiny-"))
                .as("no thread beyond pool-size")
                .isLessThanOrEqualTo(2);
    }

    @Test
    void shouldStreamRowsAndStopAtMaxResponseSizeWithoutReadingTheRest() {
        // rows past the 100th sleep 20s each: only a query read in batches, stopped at the size limit, answers at
        // once; one that loads every row first meets the sleeping rows and times out
        installWithDb("""
                upstreams:
                  legacy: { kind: jdbc, url: "${DB}", username: "${DB_USER}", pool-size: 2, timeout: 8s,
                            max-response-size: 64KB }
                endpoints:
                  big:
                    path: /big
                    deadline: 10s
                    calls:
                      rows:
                        upstream: legacy
                        query: "select g, repeat('x', 1000) as pad, pg_sleep(case when g > 100 then 20 else 0 end) as s,
                                'stream-stop' as tag from generate_series(1, 100000) g"
                        required: false
                """);

        JsonNode answer = get("/big");

        assertThat(answer.at("/errors/0/type").asString()).as(answer.toString()).isEqualTo("invalid-response");
        assertThat(answer.at("/errors/0/message").asString()).contains("max-response-size");
        assertThat(answer.at("/meta/calls/rows/durationMs").asLong())
                .as("not the 8s timeout")
                .isLessThan(6000);
        Eventually.await(
                PATIENCE,
                "the abandoned query is gone from pg_stat_activity",
                () -> activeQueries("stream-stop") == 0,
                () -> activeQueries("stream-stop") + " still active");
    }

    @Test
    void shouldComposeAJdbcCallWithHttpCalls() {
        installWithDb("""
                upstreams:
                  a: { url: "${A}" }
                  b: { url: "${B}" }
                  legacy: { kind: jdbc, url: "${DB}", username: "${DB_USER}", pool-size: 2, timeout: 5s }
                endpoints:
                  overview:
                    path: /v1/users/{id}/overview
                    calls:
                      user: { upstream: a, path: "/users/{path.id}" }
                      account:
                        upstream: legacy
                        query: "select name, balance from accounts where id = {user.accountId}"
                        single: true
                      orders: { upstream: b, path: /orders, query: { user: "{path.id}" } }
                """);
        A.on("/users/7", json("{\"id\": 7, \"accountId\": 2}"));
        B.on("/orders", json("{\"items\": [1, 2]}"));

        JsonNode answer = get("/v1/users/7/overview");

        assertThat(answer.at("/errors")).as(answer.toString()).isEmpty();
        assertThat(answer.at("/data/account/name").asString()).isEqualTo("O'Brien");
        assertThat(answer.at("/data/orders/items").size()).isEqualTo(2);
        assertThat(answer.at("/meta/calls/account/source").asString()).isEqualTo("network");
    }

    private long activeQueries(String tag) {
        return legacy.queryForLong("select count(*) from pg_stat_activity where state = 'active' and query like '%"
                + tag + "%' and pid <> pg_backend_pid()");
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && !t.getName().contains("-cancel"))
                .count();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
