package io.fanout.definition;

import static io.fanout.definition.ConfigAssertions.problem;
import static io.fanout.definition.ConfigAssertions.problems;
import static io.fanout.definition.ConfigAssertions.usersWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fanout.compile.TestConfigs;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamValidationTests {

    @Test
    void shouldApplyUpstreamDefaults() {
        UpstreamDefinition users =
                TestConfigs.parseYaml(ConfigAssertions.USERS).upstreams().get("users");

        assertThat(users).isEqualTo(UpstreamDefinition.http("users", "http://localhost:18081"));
        assertThat(users.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(users.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(users.maxConnections()).isEqualTo(256);
        assertThat(users.maxResponseSize()).isEqualTo(2 * 1024 * 1024);
    }

    @Test
    void shouldRejectUnknownKeyWithSuggestion() {
        ConfigProblem problem = problem(usersWith("timout: 1s"));

        assertThat(problem.location()).isEqualTo("upstreams.users.timout");
        assertThat(problem.message()).isEqualTo("unknown key 'timout'");
        assertThat(problem.hint()).startsWith("did you mean 'timeout'? allowed: kind, url, timeout, connect-timeout,");
    }

    @Test
    void shouldSuggestTheKebabCaseKeyForACamelCaseKey() {
        ConfigProblem problem = problem(usersWith("maxConnections: 10"));

        assertThat(problem.hint()).startsWith("did you mean 'max-connections'?");
    }

    @Test
    void shouldListAllowedKeysWhenNothingIsClose() {
        ConfigProblem problem = problem(usersWith("colour: blue"));

        assertThat(problem.hint()).startsWith("allowed: kind, url,");
    }

    @Test
    void shouldRequireAUrl() {
        ConfigProblem problem = problem("upstreams:\n  users:\n    timeout: 1s\n");

        assertThat(problem.location()).isEqualTo("upstreams.users.url");
        assertThat(problem.message()).isEqualTo("required key 'url' is missing");
    }

    @Test
    void shouldRejectAUrlThatIsNotAString() {
        ConfigProblem problem = problem("upstreams:\n  users:\n    url: [http://a, http://b]\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem("upstreams.users.url", "expected a string but was a list", null));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://localhost:18081",
                "https://api.example.com",
                "http://10.0.0.1:80/base/path",
                "http://localhost:8080/api/",
                "HTTPS://Example.COM",
                "http://[::1]:8080",
                "http://${USERS_HOST}:8080/api",
                "${USERS_URL}"
            })
    void shouldAcceptAbsoluteHttpUrlsWithPortAndBasePath(String url) {
        UpstreamDefinition users = TestConfigs.parseYaml("upstreams:\n  users:\n    url: '" + url + "'\n")
                .upstreams()
                .get("users");

        assertThat(users.url()).isEqualTo(url);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ftp://files.example.com      | the scheme must be http or https",
                "localhost:8080               | the scheme must be http or https",
                "/users                       | not an absolute URL",
                "http:users                   | no host",
                "http:///users                | no host",
                "http://user:pw@localhost     | user info is not allowed (send credentials in headers)",
                "http://localhost/a?b=c       | a query is not allowed (query parameters belong to calls)",
                "http://localhost/a?          | a query is not allowed (query parameters belong to calls)",
                "http://localhost/a#top       | a fragment is not allowed",
                "http://localhost:0           | port 0 is not between 1 and 65535",
                "http://localhost:70000       | port 70000 is not between 1 and 65535",
                "http://my_host:8080          | no valid host (letters, digits, '-' and '.')",
                "http://local host            | Illegal character in authority at index 7",
                "http://${HOST}/a?b=${C}      | only host, port and base path are allowed (no query, fragment or user info)",
                "ws://${HOST}                 | the scheme must be http or https"
            })
    void shouldRejectUrlsThatAreNotAbsoluteHttpWithNothingElse(String url, String reason) {
        ConfigProblem problem = problem("upstreams:\n  users:\n    url: '" + url + "'\n");

        assertThat(problem.location()).isEqualTo("upstreams.users.url");
        assertThat(problem.message()).isEqualTo("invalid url '" + url + "': " + reason);
        assertThat(problem.hint()).contains("http://localhost:8080/api");
    }

    @Test
    void shouldRequireAJdbcUrlForAJdbcUpstream() {
        ConfigProblem problem = problem("upstreams:\n  db:\n    kind: jdbc\n    url: postgresql://localhost/x\n");

        assertThat(problem.location()).isEqualTo("upstreams.db.url");
        assertThat(problem.message())
                .isEqualTo("a jdbc upstream needs a URL starting with 'jdbc:' but was 'postgresql://localhost/x'");
    }

    @Test
    void shouldRejectAnUnknownKind() {
        ConfigProblem problem = problem(usersWith("kind: grpc"));

        assertThat(problem.location()).isEqualTo("upstreams.users.kind");
        assertThat(problem.message()).isEqualTo("unknown kind 'grpc'");
        assertThat(problem.hint()).isEqualTo("use http (the default), jdbc or java");
    }

    @Test
    void shouldRejectJdbcSettingsOnAnHttpUpstream() {
        assertThat(problems(usersWith("username: u\npassword: p\npool-size: 4")))
                .extracting(ConfigProblem::location, ConfigProblem::message, ConfigProblem::hint)
                .containsExactly(
                        tuple(
                                "upstreams.users.username",
                                "'username' is only for jdbc upstreams, but this one is http",
                                null),
                        tuple(
                                "upstreams.users.password",
                                "'password' is only for jdbc upstreams, but this one is http",
                                null),
                        tuple(
                                "upstreams.users.pool-size",
                                "'pool-size' is only for jdbc and java upstreams, but this one is http",
                                "use max-connections"));
    }

    @Test
    void shouldRejectHttpSettingsOnAJdbcUpstream() {
        assertThat(problems("""
                upstreams:
                  db:
                    kind: jdbc
                    url: jdbc:h2:mem:x
                    max-connections: 4
                    headers: { A: b }
                """))
                .extracting(ConfigProblem::location, ConfigProblem::message, ConfigProblem::hint)
                .containsExactly(
                        tuple(
                                "upstreams.db.max-connections",
                                "'max-connections' is only for http upstreams, but this one is jdbc",
                                "use pool-size"),
                        tuple(
                                "upstreams.db.headers",
                                "'headers' is only for http upstreams, but this one is jdbc",
                                null));
    }

    @Test
    void shouldRejectATimeoutOfZero() {
        ConfigProblem problem = problem(usersWith("timeout: 0ms"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem("upstreams.users.timeout", "must be at least 1ms but was 0ms", null));
    }

    @Test
    void shouldRejectADurationWithoutUnit() {
        ConfigProblem problem = problem(usersWith("connect-timeout: 250"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "upstreams.users.connect-timeout", "invalid duration '250'", "add a unit, e.g. 250ms or 250s"));
    }

    @Test
    void shouldRejectADurationThatIsNotAScalar() {
        ConfigProblem problem = problem(usersWith("timeout: [1s]"));

        assertThat(problem.message()).isEqualTo("expected a duration (e.g. 250ms, 2s, 5m) but was a list");
    }

    @Test
    void shouldRejectMaxConnectionsBelowOne() {
        ConfigProblem problem = problem(usersWith("max-connections: 0"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem("upstreams.users.max-connections", "must be at least 1 but was 0", null));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"3.5 | the number 3.5", "\"3\" | the string '3'", "true | true", "~ | empty (null)"})
    void shouldRejectMaxConnectionsThatIsNotAWholeNumber(String yaml, String described) {
        ConfigProblem problem = problem(usersWith("max-connections: " + yaml));

        assertThat(problem.message()).isEqualTo("expected a whole number but was " + described);
    }

    @Test
    void shouldRejectMaxConnectionsBeyondInt() {
        ConfigProblem problem = problem(usersWith("max-connections: 99999999999"));

        assertThat(problem.message()).isEqualTo("must be at most 2147483647 but was 99999999999");
    }

    @Test
    void shouldRejectAZeroMaxResponseSize() {
        ConfigProblem problem = problem(usersWith("max-response-size: 0B"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "upstreams.users.max-response-size", "must be more than 0B but was 0B", null));
    }

    @Test
    void shouldRejectAnInvalidSize() {
        ConfigProblem problem = problem(usersWith("max-response-size: 2 megabytes"));

        assertThat(problem.location()).isEqualTo("upstreams.users.max-response-size");
        assertThat(problem.message()).isEqualTo("invalid size '2 megabytes'");
    }

    @Test
    void shouldKeepHeaderPlaceholdersUnexpanded() {
        UpstreamDefinition users =
                TestConfigs.parseYaml(usersWith("""
                headers:
                  Authorization: Bearer ${USERS_TOKEN}
                  X-Version: 2
                """)).upstreams().get("users");

        assertThat(users.headers())
                .containsExactly(Map.entry("Authorization", "Bearer ${USERS_TOKEN}"), Map.entry("X-Version", "2"));
    }

    @Test
    void shouldRejectHeaderNamesThatAreNotTokens() {
        ConfigProblem problem = problem(usersWith("headers: { 'X Bad': v }"));

        assertThat(problem.location()).isEqualTo("upstreams.users.headers.X Bad");
        assertThat(problem.message()).isEqualTo("invalid header name 'X Bad'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\\r\\nX-Injected: 1", "a\\nb", "a\\0b"})
    void shouldRejectHeaderValuesWithLineBreaksOrNul(String escaped) {
        ConfigProblem problem = problem(usersWith("headers: { X-A: \"" + escaped + "\" }"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "upstreams.users.headers.X-A", "header value must not contain CR, LF or NUL", null));
    }

    @Test
    void shouldRejectConnectionHeadersInStaticHeaders() {
        ConfigProblem problem = problem(usersWith("headers: { Transfer-Encoding: chunked }"));

        assertThat(problem.location()).isEqualTo("upstreams.users.headers.Transfer-Encoding");
        assertThat(problem.message()).isEqualTo("header 'Transfer-Encoding' cannot be set");
    }

    @Test
    void shouldRejectTheSameHeaderTwiceInAnyCase() {
        ConfigProblem problem = problem(usersWith("headers: { Accept: a, accept: b }"));

        assertThat(problem.location()).isEqualTo("upstreams.users.headers.accept");
        assertThat(problem.message()).isEqualTo("header 'accept' is given twice (also as 'Accept')");
    }

    @Test
    void shouldRejectHeadersThatAreNotAMap() {
        ConfigProblem problem = problem(usersWith("headers: [Accept]"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem("upstreams.users.headers", "expected a map but was a list", null));
    }

    @Test
    void shouldRejectHeaderValuesThatAreNotStrings() {
        ConfigProblem problem = problem(usersWith("headers: { X-A: { b: c } }"));

        assertThat(problem.message()).isEqualTo("expected a string but was a map");
    }

    @Test
    void shouldRejectAnInvalidUpstreamName() {
        ConfigProblem problem = problem("upstreams:\n  'my users':\n    url: http://localhost\n");

        assertThat(problem.location()).isEqualTo("upstreams.my users");
        assertThat(problem.message()).isEqualTo("invalid upstream name 'my users'");
    }

    @Test
    void shouldRejectAnUpstreamThatIsNotAMap() {
        ConfigProblem problem = problem("upstreams:\n  users: http://localhost\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "upstreams.users",
                        "expected a map of upstream settings but was the string 'http://localhost'",
                        null));
    }

    @Test
    void shouldRejectACoalesceThatIsNotABoolean() {
        ConfigProblem problem = problem(usersWith("coalesce: yes"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "upstreams.users.coalesce", "expected true or false but was the string 'yes'", null));
    }
}
