package io.fanout.definition;

import static io.fanout.definition.ConfigAssertions.callWith;
import static io.fanout.definition.ConfigAssertions.problem;
import static io.fanout.definition.ConfigAssertions.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fanout.compile.TestConfigs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallValidationTests {

    private static final String DB = """
            upstreams:
              users:
                url: http://localhost:18081
              db:
                kind: jdbc
                url: jdbc:postgresql://localhost:5432/legacy
            endpoints:
              e:
                path: /x
                calls:
                  a:
            """;

    private static CallDefinition call(String settings) {
        return TestConfigs.parseYaml(callWith(settings))
                .endpoints()
                .get("e")
                .calls()
                .get("a");
    }

    /** Call 'a' to the jdbc upstream 'db' with {@code settings}. */
    private static String jdbcCallWith(String settings) {
        return DB + ("upstream: db\n" + settings).indent(8);
    }

    private static CallDefinition jdbcCall(String settings) {
        return TestConfigs.parseYaml(jdbcCallWith(settings))
                .endpoints()
                .get("e")
                .calls()
                .get("a");
    }

    @Test
    void shouldApplyCallDefaults() {
        assertThat(call("upstream: users\npath: /a"))
                .isEqualTo(new CallDefinition(
                        "a", "users", "GET", "/a", Map.of(), Map.of(), null, true, null, null, null, 8, 1000, false,
                        null, false));
    }

    @Test
    void shouldRejectUnknownCallKeyWithSuggestion() {
        ConfigProblem problem = problem(callWith("upstream: users\npath: /a\nforeach: x.y"));

        assertThat(problem.location()).isEqualTo("endpoints.e.calls.a.foreach");
        assertThat(problem.message()).isEqualTo("unknown key 'foreach'");
        assertThat(problem.hint()).startsWith("did you mean 'for-each'? allowed: upstream, method, path, query,");
    }

    @Test
    void shouldRequireAnUpstream() {
        ConfigProblem problem = problem(callWith("path: /a"));

        assertThat(problem)
                .isEqualTo(
                        new ConfigProblem("endpoints.e.calls.a.upstream", "required key 'upstream' is missing", null));
    }

    @Test
    void shouldRejectAnUnknownUpstreamListingTheKnownOnes() {
        ConfigProblem problem = problem(DB + "upstream: usr\npath: /a".indent(8));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.calls.a.upstream",
                        "unknown upstream 'usr'",
                        "did you mean 'users'? known: users, db"));
        assertThat(problem.toString())
                .isEqualTo(
                        "endpoints.e.calls.a.upstream: unknown upstream 'usr' (did you mean 'users'? known: users, db)");
    }

    @Test
    void shouldNotReportAnUpstreamThatExistsButIsInvalidAsUnknown() {
        List<ConfigProblem> problems = problems("""
                upstreams:
                  users:
                    url: ftp://x
                endpoints:
                  e:
                    path: /x
                    calls: { a: { upstream: users, path: /a } }
                """);

        assertThat(problems).extracting(ConfigProblem::location).containsExactly("upstreams.users.url");
    }

    @ParameterizedTest
    @ValueSource(strings = {"path", "query", "header", "body", "item"})
    void shouldRejectCallNamesThatAreTemplateSources(String name) {
        ConfigProblem problem =
                problem(ConfigAssertions.USERS + """
                endpoints:
                  e:
                    path: /x
                    calls:
                """ + (name + ": { upstream: users, path: /a }").indent(6));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.calls." + name,
                        "call name '" + name + "' is reserved",
                        "path, query, header, body, item, client and claims are template sources; rename the call"));
    }

    @Test
    void shouldRejectCallNamesWithDots() {
        ConfigProblem problem = problem(ConfigAssertions.USERS + """
                endpoints:
                  e:
                    path: /x
                    calls:
                      user.info: { upstream: users, path: /a }
                """);

        assertThat(problem.location()).isEqualTo("endpoints.e.calls.user.info");
        assertThat(problem.message()).isEqualTo("invalid call name 'user.info'");
    }

    @Test
    void shouldRejectACallThatIsNotAMap() {
        ConfigProblem problem = problem(ConfigAssertions.USERS + """
                endpoints:
                  e:
                    path: /x
                    calls:
                      a: users
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.calls.a", "expected a map of call settings but was the string 'users'", null));
    }

    @Test
    void shouldStoreTheCallMethodInUpperCase() {
        assertThat(call("upstream: users\nmethod: post\npath: /a").method()).isEqualTo("POST");
    }

    @Test
    void shouldRejectAnUnsupportedCallMethod() {
        ConfigProblem problem = problem(callWith("upstream: users\nmethod: TRACE\npath: /a"));

        assertThat(problem.location()).isEqualTo("endpoints.e.calls.a.method");
        assertThat(problem.message()).isEqualTo("unsupported method 'TRACE'");
    }

    @Test
    void shouldRequireAPathForAnHttpUpstream() {
        ConfigProblem problem = problem(callWith("upstream: users"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem("endpoints.e.calls.a.path", "required key 'path' is missing", null));
    }

    @Test
    void shouldRejectACallPathNotStartingWithSlash() {
        ConfigProblem problem = problem(callWith("upstream: users\npath: users/{path.id}"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.calls.a.path",
                        "must start with '/' but was 'users/{path.id}'",
                        "the path is appended to the upstream's url"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a?b=1", "/a/{path.id}?x", "/a#frag"})
    void shouldRejectQueryOrFragmentInACallPath(String path) {
        ConfigProblem problem = problem(callWith("upstream: users\npath: '" + path + "'"));

        assertThat(problem.location()).isEqualTo("endpoints.e.calls.a.path");
        assertThat(problem.message()).startsWith("must not contain '").endsWith("' but was '" + path + "'");
        assertThat(problem.hint()).isEqualTo("put query parameters in query: { name: value }");
    }

    @Test
    void shouldLeaveQuestionMarksInsideTemplatesToTheCompiler() {
        assertThat(call("upstream: users\npath: '/a/{query.q|why?}'").path()).isEqualTo("/a/{query.q|why?}");
    }

    @Test
    void shouldReadAQueryMapAsQueryParameters() {
        CallDefinition call = call("upstream: users\npath: /a\nquery: { userId: '{path.id}', limit: 10, all: true }");

        assertThat(call.query())
                .containsExactly(Map.entry("userId", "{path.id}"), Map.entry("limit", "10"), Map.entry("all", "true"));
        assertThat(call.sql()).isNull();
    }

    @Test
    void shouldRejectAQueryThatIsNeitherAMapNorAString() {
        ConfigProblem problem = problem(callWith("upstream: users\npath: /a\nquery: [a, b]"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.calls.a.query",
                        "expected a map of query parameters (http) or a SQL string (jdbc) but was a list",
                        null));
    }

    @Test
    void shouldRejectAQueryParameterValueThatIsAMap() {
        ConfigProblem problem = problem(callWith("upstream: users\npath: /a\nquery: { q: { a: b } }"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem("endpoints.e.calls.a.query.q", "expected a string but was a map", null));
    }

    @Test
    void shouldRejectASqlQueryForAnHttpUpstream() {
        ConfigProblem problem = problem(callWith("upstream: users\npath: /a\nquery: select 1"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.calls.a.query",
                        "a SQL query needs a jdbc upstream, but 'users' is http",
                        "for query parameters, write a map: query: { name: value }"));
    }

    @Test
    void shouldReadAQueryStringAsSqlForAJdbcUpstream() {
        CallDefinition call = jdbcCall("query: select * from t where id = {path.id}\nsingle: true");

        assertThat(call.sql()).isEqualTo("select * from t where id = {path.id}");
        assertThat(call.query()).isEmpty();
        assertThat(call.path()).isNull();
        assertThat(call.single()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1", "  select\n1", "with x as (select 1) select * from x", "select 1;"})
    void shouldAcceptReadOnlyQueries(String sql) {
        assertThat(jdbcCall("query: \"" + sql.replace("\n", "\\n") + "\"").sql())
                .isEqualTo(sql);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "delete from accounts",
                "update accounts set x = 1",
                "insert into t values (1)",
                "drop table t",
                "selection",
                "call p()"
            })
    void shouldRejectQueriesThatAreNotSelects(String sql) {
        ConfigProblem problem = problem(jdbcCallWith("query: " + sql));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.calls.a.query",
                        "only read-only queries are allowed, but '" + sql + "' does not start with select or with",
                        null));
    }

    @Test
    void shouldRejectSeveralStatements() {
        ConfigProblem problem = problem(jdbcCallWith("query: select 1; delete from t"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.calls.a.query",
                        "only one statement is allowed, but 'select 1; delete from t' has several",
                        "remove the ';' between statements"));
    }

    @Test
    void shouldRejectAPathForAJdbcUpstream() {
        ConfigProblem problem = problem(jdbcCallWith("query: select 1\npath: /a"));

        assertThat(problem.location()).isEqualTo("endpoints.e.calls.a.path");
        assertThat(problem.message()).isEqualTo("a call to jdbc upstream 'db' has a SQL query, not a path");
    }

    @Test
    void shouldRejectAQueryMapForAJdbcUpstream() {
        ConfigProblem problem = problem(jdbcCallWith("query: { id: '{path.id}' }"));

        assertThat(problem.location()).isEqualTo("endpoints.e.calls.a.query");
        assertThat(problem.message()).isEqualTo("a call to jdbc upstream 'db' needs a SQL string in query, not a map");
    }

    @Test
    void shouldRequireAQueryForAJdbcUpstream() {
        ConfigProblem problem = problem(jdbcCallWith("single: true"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.calls.a.query",
                        "required key 'query' is missing",
                        "a call to jdbc upstream 'db' reads with a SQL query"));
    }

    @Test
    void shouldRejectHttpOnlyCallSettingsForAJdbcUpstream() {
        assertThat(problems(jdbcCallWith("query: select 1\nmethod: POST\nheaders: { A: b }\nbody: {}")))
                .extracting(ConfigProblem::location, ConfigProblem::message)
                .containsExactly(
                        tuple(
                                "endpoints.e.calls.a.method",
                                "a call to jdbc upstream 'db' only reads: method must be GET but was POST"),
                        tuple(
                                "endpoints.e.calls.a.headers",
                                "'headers' is only for calls to http upstreams, but 'db' is jdbc"),
                        tuple(
                                "endpoints.e.calls.a.body",
                                "'body' is only for calls to http upstreams, but 'db' is jdbc"));
    }

    @Test
    void shouldRejectSingleForAnHttpUpstream() {
        ConfigProblem problem = problem(callWith("upstream: users\npath: /a\nsingle: true"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.calls.a.single",
                        "'single' is only for calls to jdbc upstreams, but 'users' is http",
                        null));
    }

    @Test
    void shouldRejectBothPathAndSqlWhenTheUpstreamIsUnknown() {
        List<ConfigProblem> problems = problems(callWith("upstream: nope\npath: /a\nquery: select 1"));

        assertThat(problems)
                .extracting(ConfigProblem::location, ConfigProblem::message)
                .containsExactly(
                        tuple("endpoints.e.calls.a.upstream", "unknown upstream 'nope'"),
                        tuple("endpoints.e.calls.a.path", "give either a path (http) or a SQL query (jdbc), not both"));
    }

    @Test
    void shouldKeepTheBodyAsAJsonTree() {
        CallDefinition call = call("""
                upstream: users
                method: POST
                path: /a
                body: { id: '{path.id}', tags: [a, 1, 2.5, true, null], nested: { forward: '{body}' } }
                """);

        Map<String, Object> nested = new java.util.LinkedHashMap<>();
        nested.put("forward", "{body}");
        assertThat(call.body())
                .isEqualTo(Map.of(
                        "id", "{path.id}", "tags", java.util.Arrays.asList("a", 1, 2.5, true, null), "nested", nested));
    }

    @Test
    void shouldRejectABodyOnAGetCall() {
        ConfigProblem problem = problem(callWith("upstream: users\npath: /a\nbody: { a: 1 }"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.calls.a.body", "a GET call sends no body", "set method: POST, PUT or PATCH"));
    }

    @Test
    void shouldRejectNonStringKeysInTheBody() {
        ConfigProblem problem = problem(callWith("upstream: users\nmethod: PUT\npath: /a\nbody: { a: { 1: x } }"));

        assertThat(problem.location()).isEqualTo("endpoints.e.calls.a.body.a.1");
        assertThat(problem.message()).isEqualTo("key 1 is not a string");
    }

    @Test
    void shouldRejectNanInTheBody() {
        ConfigProblem problem = problem(callWith("upstream: users\nmethod: PUT\npath: /a\nbody: [.nan]"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem("endpoints.e.calls.a.body[0]", "expected a JSON value but was NaN", null));
    }

    @Test
    void shouldRejectARequiredThatIsNotABoolean() {
        ConfigProblem problem = problem(callWith("upstream: users\npath: /a\nrequired: no"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.calls.a.required", "expected true or false but was the string 'no'", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/items", "/items/0/name", "/a~0b/c~1d"})
    void shouldAcceptJsonPointersInSelect(String pointer) {
        assertThat(call("upstream: users\npath: /a\nselect: '" + pointer + "'").select())
                .isEqualTo(pointer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"items", "/a~2", "/a~", "$.items"})
    void shouldRejectSelectsThatAreNotJsonPointers(String pointer) {
        ConfigProblem problem = problem(callWith("upstream: users\npath: /a\nselect: '" + pointer + "'"));

        assertThat(problem.location()).isEqualTo("endpoints.e.calls.a.select");
        assertThat(problem.message()).isEqualTo("invalid JSON Pointer '" + pointer + "'");
    }

    @Test
    void shouldReadACallTimeout() {
        assertThat(call("upstream: users\npath: /a\ntimeout: 200ms").timeout()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void shouldRejectACallTimeoutOfZero() {
        ConfigProblem problem = problem(callWith("upstream: users\npath: /a\ntimeout: 0s"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem("endpoints.e.calls.a.timeout", "must be at least 1ms but was 0s", null));
    }

    @Test
    void shouldReadForEachWithConcurrency() {
        CallDefinition call = call("upstream: users\npath: /a/{item.id}\nfor-each: orders.items\nconcurrency: 2");

        assertThat(call.forEach()).isEqualTo("orders.items");
        assertThat(call.concurrency()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders", "orders.", ".items", "orders..items", "orders.{x}"})
    void shouldRejectForEachThatIsNotACallAndAField(String forEach) {
        ConfigProblem problem = problem(callWith("upstream: users\npath: /a\nfor-each: '" + forEach + "'"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.calls.a.for-each",
                        "invalid for-each '" + forEach + "'",
                        "name a call and the array in its answer, e.g. orders.items"));
    }

    @Test
    void shouldRejectConcurrencyWithoutForEach() {
        ConfigProblem problem = problem(callWith("upstream: users\npath: /a\nconcurrency: 4"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.calls.a.concurrency", "'concurrency' only applies to a call with for-each", null));
    }

    @Test
    void shouldRejectConcurrencyBelowOne() {
        ConfigProblem problem = problem(callWith("upstream: users\npath: /a\nfor-each: b.c\nconcurrency: 0")
                + "      b: { upstream: users, path: /b }\n");

        assertThat(problem.location()).isEqualTo("endpoints.e.calls.a.concurrency");
        assertThat(problem.message()).isEqualTo("must be at least 1 but was 0");
    }

    @Test
    void shouldReadIdempotent() {
        assertThat(call("upstream: users\nmethod: POST\npath: /a\nidempotent: true")
                        .idempotent())
                .isTrue();
    }

    @Test
    void shouldCheckCallHeadersLikeUpstreamHeaders() {
        ConfigProblem problem = problem(callWith("upstream: users\npath: /a\nheaders: { 'Bad Name': '{header.X}' }"));

        assertThat(problem.location()).isEqualTo("endpoints.e.calls.a.headers.Bad Name");
        assertThat(problem.message()).isEqualTo("invalid header name 'Bad Name'");
    }
}
