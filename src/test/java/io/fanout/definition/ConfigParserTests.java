package io.fanout.definition;

import static io.fanout.definition.ConfigAssertions.problem;
import static io.fanout.definition.ConfigAssertions.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fanout.compile.TestConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTests {

    @TempDir
    Path dir;

    @Test
    void shouldParseTheSpecExample() throws IOException {
        ConfigDefinition config = TestConfigs.parseYaml(specExample());

        assertThat(config.upstreams()).containsOnlyKeys("users", "orders", "companies", "catalog", "recs", "legacy-db");
        UpstreamDefinition users = config.upstreams().get("users");
        assertThat(users.kind()).isEqualTo(UpstreamKind.HTTP);
        assertThat(users.url()).isEqualTo("http://localhost:18081");
        assertThat(users.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(users.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(users.maxConnections()).isEqualTo(200);
        assertThat(users.maxResponseSize()).isEqualTo(2 * 1024 * 1024);
        assertThat(users.headers()).containsExactly(Map.entry("Authorization", "Bearer ${USERS_TOKEN}"));
        assertThat(users.bulkhead()).isEqualTo(new BulkheadDefinition(100, Duration.ofMillis(20), 0.5));
        assertThat(users.rateLimit())
                .isEqualTo(new RateLimitDefinition(new Rate(500, Duration.ofSeconds(1)), 50, Duration.ZERO));
        assertThat(users.retry())
                .isEqualTo(new RetryDefinition(
                        3, Duration.ofMillis(25), Duration.ofMillis(250), true, false, Set.of(502, 503, 504), 0.2));
        assertThat(users.circuitBreaker())
                .isEqualTo(new CircuitBreakerDefinition(
                        0.5, Duration.ofSeconds(1), 1.0, Duration.ofSeconds(20), 20, Duration.ofSeconds(10)));
        assertThat(users.hedge()).isEqualTo(new HedgeDefinition(Duration.ofMillis(100), 0.05));
        assertThat(users.cache()).isEqualTo(new CacheDefinition(Duration.ZERO, Duration.ofMinutes(5), 10_000));
        assertThat(users.coalesce()).isTrue();
        assertThat(config.upstreams().get("orders"))
                .isEqualTo(UpstreamDefinition.http("orders", "http://localhost:18082"));
        assertThat(config.upstreams().get("catalog").retry())
                .isEqualTo(new RetryDefinition(
                        3, Duration.ofMillis(25), Duration.ofSeconds(1), true, true, Set.of(429, 503), 0.2));

        EndpointDefinition overview = config.endpoints().get("user-overview");
        assertThat(overview.method()).isEqualTo("GET");
        assertThat(overview.path()).isEqualTo("/v1/users/{id}/overview");
        assertThat(overview.deadline()).isEqualTo(Duration.ofSeconds(1));
        assertThat(overview.onFailure()).isEqualTo(OnFailure.PARTIAL);
        assertThat(overview.forwardHeaders()).containsExactly("Accept-Language");
        assertThat(overview.calls()).containsOnlyKeys("user", "orders", "company", "products", "recs", "account");
        assertThat(overview.calls().get("user"))
                .isEqualTo(new CallDefinition(
                        "user",
                        "users",
                        "GET",
                        "/users/{path.id}",
                        Map.of(),
                        Map.of(),
                        null,
                        true,
                        null,
                        null,
                        null,
                        8,
                        1000,
                        false,
                        null,
                        false));
        assertThat(overview.calls().get("orders").query())
                .containsExactly(Map.entry("userId", "{path.id}"), Map.entry("limit", "{query.limit|10}"));
        assertThat(overview.calls().get("orders").required()).isFalse();
        assertThat(overview.calls().get("products").forEach()).isEqualTo("orders.items");
        assertThat(overview.calls().get("recs").select()).isEqualTo("/items");
        assertThat(overview.calls().get("recs").timeout()).isEqualTo(Duration.ofMillis(200));

        EndpointDefinition create = config.endpoints().get("order-create");
        assertThat(create.method()).isEqualTo("POST");
        assertThat(create.onFailure()).isEqualTo(OnFailure.FAIL_FAST);
        CallDefinition call = create.calls().get("create");
        assertThat(call.idempotent()).isTrue();
        assertThat(call.body())
                .isEqualTo(mapOf(
                        "userId",
                        "{body.userId}",
                        "items",
                        "{body.items}",
                        "source",
                        "fanout",
                        "priority",
                        1,
                        "gift",
                        false,
                        "note",
                        null));
    }

    @Test
    void shouldParseTheSpecJdbcExample() {
        ConfigDefinition config = TestConfigs.parseYaml("""
                upstreams:
                  legacy-db:
                    kind: jdbc
                    url: jdbc:postgresql://localhost:5432/legacy
                    username: ${LEGACY_USER}
                    password: ${LEGACY_PASSWORD}
                    pool-size: 8
                    timeout: 300ms
                endpoints:
                  user-overview:
                    path: /v1/users/{id}/overview
                    calls:
                      account:
                        upstream: legacy-db
                        query: "select id, tier, balance from accounts where user_id = {path.id}"
                        single: true                   # one object instead of an array of rows
                """);

        UpstreamDefinition db = config.upstreams().get("legacy-db");
        assertThat(db.kind()).isEqualTo(UpstreamKind.JDBC);
        assertThat(db.url()).isEqualTo("jdbc:postgresql://localhost:5432/legacy");
        assertThat(db.username()).isEqualTo("${LEGACY_USER}");
        assertThat(db.password()).isEqualTo("${LEGACY_PASSWORD}");
        assertThat(db.poolSize()).isEqualTo(8);
        assertThat(db.timeout()).isEqualTo(Duration.ofMillis(300));
        CallDefinition account = config.endpoints().get("user-overview").calls().get("account");
        assertThat(account.sql()).isEqualTo("select id, tier, balance from accounts where user_id = {path.id}");
        assertThat(account.path()).isNull();
        assertThat(account.query()).isEmpty();
        assertThat(account.single()).isTrue();
    }

    @Test
    void shouldRoundTripTheSpecExampleThroughItsDocument() throws IOException {
        ConfigDefinition config = TestConfigs.parseYaml(specExample());

        Map<String, Object> document = ConfigWriter.document(config);

        assertThat(TestConfigs.parse(document)).isEqualTo(config);
    }

    @Test
    void shouldWriteValuesInTheirNotationsAndLeaveOutDefaults() throws IOException {
        ConfigDefinition config = TestConfigs.parseYaml(specExample());

        Map<String, Object> document = ConfigWriter.document(config);

        Map<?, ?> users = (Map<?, ?>) ((Map<?, ?>) document.get("upstreams")).get("users");
        assertThat(users.get("timeout")).isEqualTo("500ms");
        assertThat(users.get("max-response-size")).as("the default").isNull();
        assertThat(users.get("headers")).isEqualTo(Map.of("Authorization", "Bearer ${USERS_TOKEN}"));
        assertThat(users.get("rate-limit")).isEqualTo(mapOf("rate", "500/s", "burst", 50));
        assertThat(users.get("retry")).isEqualTo(mapOf("max-backoff", "250ms"));
        assertThat(users.get("hedge")).isEqualTo(mapOf("after", "100ms"));
        assertThat(users.get("cache")).isEqualTo(mapOf("stale-if-error", "5m"));
        Map<?, ?> catalog = (Map<?, ?>) ((Map<?, ?>) document.get("upstreams")).get("catalog");
        assertThat(catalog.get("retry")).isEqualTo(mapOf("on", List.of("connect-error", "timeout", 429, 503)));
        @SuppressWarnings("unchecked")
        Map<String, Object> db = (Map<String, Object>) ((Map<?, ?>) document.get("upstreams")).get("legacy-db");
        assertThat(db).containsEntry("kind", "jdbc").containsEntry("password", "${LEGACY_PASSWORD}");
    }

    @Test
    void shouldRoundTripNonDefaultValues() {
        ConfigDefinition config = TestConfigs.parseYaml("""
                upstreams:
                  u:
                    url: https://u.example.com
                    max-connections: 3
                    max-response-size: 1536KB
                    bulkhead: { max-concurrent: 2, max-wait: 1500ms, batch-share: 12.5% }
                    rate-limit: { rate: 90/m, max-wait: 1h }
                    retry: { attempts: 1, backoff: 2s, on: [], budget: 0% }
                    circuit-breaker: { failure-rate: 1%, slow-call: 3s, slow-call-rate: 33.3%, window: 1m, min-calls: 1, open-for: 1s }
                    hedge: { after: 1ms, budget: 100% }
                    cache: { ttl: 1s, max-entries: 1 }
                endpoints:
                  e:
                    method: DELETE
                    path: /
                    deadline: 5m
                    calls:
                      a:
                        upstream: u
                        method: delete
                        path: /a
                        body: [1, 2.5, "x", null, { k: [] }]
                        select: ""
                        for-each: b.c.d
                        concurrency: 1
                """);

        assertThat(TestConfigs.parse(ConfigWriter.document(config))).isEqualTo(config);
        assertThat(config.upstreams().get("u").rateLimit().burst())
                .as("default: a second's worth")
                .isEqualTo(2);
        assertThat(config.upstreams().get("u").retry().maxBackoff())
                .as("never below backoff")
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldReadBareOnKeyAsAString() {
        ConfigDefinition config = TestConfigs.parseYaml(ConfigAssertions.usersWith("""
                retry:
                  on: [timeout, 503]
                """));

        RetryDefinition retry = config.upstreams().get("users").retry();
        assertThat(retry.onTimeout()).isTrue();
        assertThat(retry.onConnectError()).isFalse();
        assertThat(retry.onStatuses()).containsExactly(503);
    }

    @Test
    void shouldAcceptAnEmptyConfig() {
        assertThat(TestConfigs.parseYaml("")).isEqualTo(new ConfigDefinition(Map.of(), Map.of()));
        assertThat(TestConfigs.parseYaml("upstreams:\nendpoints:\n"))
                .isEqualTo(new ConfigDefinition(Map.of(), Map.of()));
        assertThat(TestConfigs.parse(Map.of())).isEqualTo(new ConfigDefinition(Map.of(), Map.of()));
    }

    @Test
    void shouldReportYamlSyntaxErrorsWithLineAndColumn() {
        ConfigProblem problem = problem("upstreams:\n  users: { url: x\nendpoints: {}\n");

        assertThat(problem.location()).isEmpty();
        assertThat(problem.message()).startsWith("invalid YAML at line 3, column ");
    }

    @Test
    void shouldRejectDuplicateKeys() {
        ConfigProblem problem = problem("""
                upstreams:
                  users:
                    url: http://a
                    url: http://b
                """);

        assertThat(problem.message()).isEqualTo("invalid YAML at line 4, column 5: found duplicate key url");
    }

    @Test
    void shouldRejectNonStringKeys() {
        ConfigProblem problem = problem("""
                upstreams:
                  users:
                    url: http://a
                    headers:
                      404: x
                """);

        assertThat(problem.location()).isEqualTo("upstreams.users.headers.404");
        assertThat(problem.message()).isEqualTo("key 404 is not a string");
        assertThat(problem.hint()).isEqualTo("quote it: '404'");
    }

    @Test
    void shouldRejectADocumentThatIsNotAMap() {
        ConfigProblem problem = problem("- upstreams\n- endpoints\n");

        assertThat(problem.location()).isEmpty();
        assertThat(problem.message())
                .isEqualTo("expected a map with 'upstreams' and 'endpoints' but the document is a list");
    }

    @Test
    void shouldRejectUnknownTopLevelKeyWithSuggestion() {
        ConfigProblem problem = problem("upstream: {}\n");

        assertThat(problem.location()).isEqualTo("upstream");
        assertThat(problem.message()).isEqualTo("unknown key 'upstream'");
        assertThat(problem.hint()).isEqualTo("did you mean 'upstreams'? allowed: upstreams, endpoints, clients");
    }

    @Test
    void shouldRejectUpstreamsThatIsNotAMap() {
        ConfigProblem problem = problem("upstreams: [users]\n");

        assertThat(problem).isEqualTo(new ConfigProblem("upstreams", "expected a map but was a list", null));
    }

    @Test
    void shouldReportEveryProblemInADocument() {
        List<ConfigProblem> problems = problems("""
                upstreams:
                  users:
                    url: ftp://users
                    timeout: 5 seconds
                    retry: { atempts: 3, on: [connect-eror, 404] }
                  db:
                    kind: jdbc
                    url: postgresql://x
                    headers: { A: b }
                endpoints:
                  a:
                    path: /admin/x
                    calls: {}
                  b:
                    method: FETCH
                    path: /b
                    deadline: 0s
                    calls:
                      one:
                        upstream: usr
                        path: /one?x=1
                      two:
                        upstream: db
                        query: "delete from accounts"
                        timout: 1s
                """);

        assertThat(problems)
                .extracting(ConfigProblem::location, ConfigProblem::message)
                .containsExactly(
                        tuple("upstreams.users.url", "invalid url 'ftp://users': the scheme must be http or https"),
                        tuple("upstreams.users.timeout", "invalid duration '5 seconds'"),
                        tuple("upstreams.users.retry.atempts", "unknown key 'atempts'"),
                        tuple("upstreams.users.retry.on[0]", "unknown retry condition 'connect-eror'"),
                        tuple("upstreams.users.retry.on[1]", "status 404 is not retryable"),
                        tuple(
                                "upstreams.db.url",
                                "a jdbc upstream needs a URL starting with 'jdbc:' but was 'postgresql://x'"),
                        tuple("upstreams.db.headers", "'headers' is only for http upstreams, but this one is jdbc"),
                        tuple("endpoints.a.path", "path '/admin/x' is under the reserved prefix '/admin'"),
                        tuple("endpoints.a.calls", "an endpoint needs at least one call"),
                        tuple("endpoints.b.method", "unsupported method 'FETCH'"),
                        tuple("endpoints.b.deadline", "must be at least 1ms but was 0s"),
                        tuple("endpoints.b.calls.one.upstream", "unknown upstream 'usr'"),
                        tuple("endpoints.b.calls.one.path", "must not contain '?' but was '/one?x=1'"),
                        tuple(
                                "endpoints.b.calls.two.query",
                                "only read-only queries are allowed, but 'delete from accounts' does not start with select or with"),
                        tuple("endpoints.b.calls.two.timout", "unknown key 'timout'"));
    }

    @Test
    void shouldRenderEveryProblemInTheExceptionMessage() {
        assertThatThrownBy(() -> TestConfigs.parseYaml("upstreams:\n  users:\n    timeout: 1s\n"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage(
                        "invalid configuration (1 problem)\n  - upstreams.users.url: required key 'url' is missing");
    }

    @Test
    void shouldLoadYamlAndJsonFiles() throws IOException {
        Path yaml = Files.writeString(dir.resolve("fanout.yml"), specExample());
        Path json = Files.writeString(dir.resolve("fanout.json"), """
                {
                \t"upstreams": { "users": { "url": "http://localhost:18081", "retry": { "on": ["timeout"] } } },
                \t"endpoints": { "e": { "path": "/e", "calls": { "u": { "upstream": "users", "path": "/u" } } } }
                }
                """);

        assertThat(TestConfigs.load(yaml)).isEqualTo(TestConfigs.parseYaml(specExample()));
        assertThat(TestConfigs.load(json).upstreams().get("users").retry().onTimeout())
                .isTrue();
    }

    @Test
    void shouldNameJsonInSyntaxErrorsOfJsonFiles() throws IOException {
        Path json = Files.writeString(dir.resolve("broken.json"), "{\"upstreams\": {\n");

        assertThatThrownBy(() -> TestConfigs.load(json))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems().get(0).message()).startsWith("invalid JSON at line "));
    }

    @Test
    void shouldFailWithUncheckedIoExceptionForAMissingFile() {
        assertThatThrownBy(() -> TestConfigs.load(dir.resolve("missing.yaml")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("missing.yaml");
    }

    static String specExample() throws IOException {
        try (InputStream in = ConfigParserTests.class.getResourceAsStream("spec-example.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A map that, unlike Map.of, keeps order and allows null values. */
    static Map<String, Object> mapOf(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
