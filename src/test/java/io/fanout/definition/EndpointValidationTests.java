package io.fanout.definition;

import static io.fanout.definition.ConfigAssertions.USERS;
import static io.fanout.definition.ConfigAssertions.problem;
import static io.fanout.definition.ConfigAssertions.problems;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.compile.TestConfigs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointValidationTests {

    private static final String CALLS = "calls: { a: { upstream: users, path: /a } }";

    /** Endpoint 'e' with {@code settings} and a valid call. */
    private static String endpoint(String settings) {
        return USERS + "endpoints:\n  e:\n" + (settings + "\n" + CALLS).indent(4);
    }

    private static EndpointDefinition parsed(String settings) {
        return TestConfigs.parseYaml(endpoint(settings)).endpoints().get("e");
    }

    @Test
    void shouldApplyEndpointDefaults() {
        EndpointDefinition e = parsed("path: /e");

        assertThat(e.method()).isEqualTo("GET");
        assertThat(e.deadline()).isEqualTo(Duration.ofSeconds(2));
        assertThat(e.onFailure()).isEqualTo(OnFailure.PARTIAL);
        assertThat(e.forwardHeaders()).isEmpty();
    }

    @Test
    void shouldRejectUnknownEndpointKeyWithSuggestion() {
        ConfigProblem problem = problem(endpoint("path: /e\non-failures: partial"));

        assertThat(problem.location()).isEqualTo("endpoints.e.on-failures");
        assertThat(problem.message()).isEqualTo("unknown key 'on-failures'");
        assertThat(problem.hint())
                .isEqualTo(
                        "did you mean 'on-failure'? allowed: method, path, deadline, on-failure, forward-headers, calls, auth, scopes");
    }

    @Test
    void shouldStoreTheMethodInUpperCase() {
        assertThat(parsed("method: patch\npath: /e").method()).isEqualTo("PATCH");
    }

    @Test
    void shouldRejectAnUnsupportedMethod() {
        ConfigProblem problem = problem(endpoint("method: OPTIONS\npath: /e"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.method",
                        "unsupported method 'OPTIONS'",
                        "use one of GET, HEAD, POST, PUT, PATCH, DELETE"));
    }

    @Test
    void shouldRequireAPath() {
        ConfigProblem problem = problem(endpoint("method: GET"));

        assertThat(problem).isEqualTo(new ConfigProblem("endpoints.e.path", "required key 'path' is missing", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/e", "/v1/users/{id}/overview", "/a/{x}/{y_2}/{Z-3}", "/a-b.c~d/%20/x:y@z"})
    void shouldAcceptPathsOfLiteralsAndWholeVariables(String path) {
        assertThat(parsed("path: '" + path + "'").path()).isEqualTo(path);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "e                | must start with '/' but was 'e'",
                "/e?x=1           | must not contain '?' or '#' but was '/e?x=1'",
                "/e#top           | must not contain '?' or '#' but was '/e#top'",
                "/a//b            | empty segment in '/a//b'",
                "/a/              | empty segment in '/a/'",
                "/a/x{id}         | invalid variable segment 'x{id}' in '/a/x{id}'",
                "/a/{id}.json     | invalid variable segment '{id}.json' in '/a/{id}.json'",
                "/a/{1id}         | invalid variable segment '{1id}' in '/a/{1id}'",
                "/a/{}            | invalid variable segment '{}' in '/a/{}'",
                "/a/{id}/b/{id}   | duplicate path variable 'id' in '/a/{id}/b/{id}'",
                "/a/../b          | segment '..' is not allowed in '/a/../b'",
                "/a b             | invalid character in segment 'a b' of '/a b'"
            })
    void shouldRejectInvalidPaths(String path, String message) {
        ConfigProblem problem = problem(endpoint("path: '" + path + "'"));

        assertThat(problem.location()).isEqualTo("endpoints.e.path");
        assertThat(problem.message()).isEqualTo(message);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"/actuator | /actuator", "/admin/x | /admin", "/jobs/{id} | /jobs", "/ADMIN | /ADMIN"})
    void shouldRejectPathsUnderReservedPrefixes(String path, String prefix) {
        ConfigProblem problem = problem(endpoint("path: " + path));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.path",
                        "path '" + path + "' is under the reserved prefix '" + prefix + "'",
                        "/actuator, /admin and /jobs belong to Fanout itself"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "/v3/api-docs | /v3/api-docs",
                "/v3/api-docs/x | /v3/api-docs",
                "/swagger-ui.html | /swagger-ui.html",
                "/swagger-ui/{x} | /swagger-ui",
                "/webjars/a | /webjars"
            })
    void shouldRejectPathsWhereTheApiDocumentationIsServed(String path, String prefix) {
        ConfigProblem problem = problem(endpoint("path: " + path));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.path",
                        "path '" + path + "' is under the reserved prefix '" + prefix + "'",
                        "/v3/api-docs, /swagger-ui.html, /swagger-ui and /webjars serve the API documentation"));
    }

    @Test
    void shouldKeepOtherVersionThreePathsForEndpoints() {
        assertThat(parsed("path: /v3/users/{id}").path()).isEqualTo("/v3/users/{id}");
    }

    @Test
    void shouldAcceptPathsThatOnlyStartLikeAReservedPrefix() {
        assertThat(parsed("path: /administration").path()).isEqualTo("/administration");
    }

    @Test
    void shouldRejectADeadlineOfZero() {
        ConfigProblem problem = problem(endpoint("path: /e\ndeadline: 0s"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem("endpoints.e.deadline", "must be at least 1ms but was 0s", null));
    }

    @Test
    void shouldReadFailFast() {
        assertThat(parsed("path: /e\non-failure: fail-fast").onFailure()).isEqualTo(OnFailure.FAIL_FAST);
    }

    @Test
    void shouldRejectAnUnknownOnFailure() {
        ConfigProblem problem = problem(endpoint("path: /e\non-failure: fail-slow"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.on-failure",
                        "unknown on-failure 'fail-slow'",
                        "use partial (the default) or fail-fast"));
    }

    @Test
    void shouldKeepForwardHeadersAsWritten() {
        assertThat(parsed("path: /e\nforward-headers: [Accept-Language, X-Tenant]")
                        .forwardHeaders())
                .containsExactly("Accept-Language", "X-Tenant");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Connection",
                "Keep-Alive",
                "Proxy-Authenticate",
                "Proxy-Authorization",
                "TE",
                "Trailer",
                "transfer-encoding",
                "Upgrade",
                "Host",
                "Content-Length"
            })
    void shouldRejectForwardingHopByHopHostAndContentLength(String header) {
        ConfigProblem problem = problem(endpoint("path: /e\nforward-headers: [Accept, " + header + "]"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.forward-headers[1]",
                        "header '" + header + "' is never forwarded",
                        "hop-by-hop headers, Host and Content-Length describe the client's connection, not the call"));
    }

    @Test
    void shouldRejectForwardHeaderNamesThatAreNotTokens() {
        ConfigProblem problem = problem(endpoint("path: /e\nforward-headers: ['Accept:']"));

        assertThat(problem.location()).isEqualTo("endpoints.e.forward-headers[0]");
        assertThat(problem.message()).isEqualTo("invalid header name 'Accept:'");
    }

    @Test
    void shouldRejectAForwardHeaderListedTwice() {
        ConfigProblem problem = problem(endpoint("path: /e\nforward-headers: [Accept, accept]"));

        assertThat(problem.location()).isEqualTo("endpoints.e.forward-headers[1]");
        assertThat(problem.message()).isEqualTo("header 'accept' is listed twice");
    }

    @Test
    void shouldRejectForwardHeadersThatAreNotAList() {
        ConfigProblem problem = problem(endpoint("path: /e\nforward-headers: Accept"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.forward-headers", "expected a list but was the string 'Accept'", null));
    }

    @Test
    void shouldRequireCalls() {
        ConfigProblem problem = problem(USERS + "endpoints:\n  e:\n    path: /e\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "endpoints.e.calls", "required key 'calls' is missing", "an endpoint needs at least one call"));
    }

    @Test
    void shouldRejectEmptyCalls() {
        ConfigProblem problem = problem(USERS + "endpoints:\n  e:\n    path: /e\n    calls: {}\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem("endpoints.e.calls", "an endpoint needs at least one call", null));
    }

    @Test
    void shouldRejectDuplicateRoutesNamingTheFirstEndpoint() {
        List<ConfigProblem> problems = problems(USERS + """
                endpoints:
                  by-id:
                    path: /users/{id}
                    calls: { a: { upstream: users, path: /a } }
                  by-uid:
                    method: get
                    path: /users/{uid}
                    calls: { a: { upstream: users, path: /a } }
                """);

        assertThat(problems)
                .containsExactly(new ConfigProblem(
                        "endpoints.by-uid.path",
                        "duplicate route GET /users/{uid}: endpoint 'by-id' has the same method and path",
                        "path variable names do not make routes different"));
    }

    @Test
    void shouldAcceptTheSamePathWithDifferentMethods() {
        ConfigDefinition config = TestConfigs.parseYaml(USERS + """
                endpoints:
                  read:
                    path: /users/{id}
                    calls: { a: { upstream: users, path: /a } }
                  delete:
                    method: DELETE
                    path: /users/{id}
                    calls: { a: { upstream: users, method: DELETE, path: /a } }
                """);

        assertThat(config.endpoints()).containsOnlyKeys("read", "delete");
    }

    @Test
    void shouldRejectAnInvalidEndpointName() {
        ConfigProblem problem = problem(USERS + "endpoints:\n  -e:\n    path: /e\n    " + CALLS + "\n");

        assertThat(problem.location()).isEqualTo("endpoints.-e");
        assertThat(problem.message()).isEqualTo("invalid endpoint name '-e'");
    }
}
