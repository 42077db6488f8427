package io.fanout.tooling;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.FanoutApplication;
import io.fanout.compile.ConfigEnvironment;
import io.fanout.compile.ConfigPipeline;
import io.fanout.definition.InvalidConfigException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fanout.jar check} and {@code schema}: exit status and output, in-process and once in a child JVM. */
class ToolCommandsTests {

    private static final String VALID = """
            upstreams:
              users: { url: "http://127.0.0.1:1", headers: { Authorization: "Bearer ${USERS_TOKEN}" } }
            endpoints:
              overview:
                path: /v1/users/{id}
                calls:
                  user: { upstream: users, path: "/users/{path.id}" }
                  company: { upstream: users, path: "/companies/{user.companyId}", required: false }
            """;
    private static final String INVALID = """
            upstreams:
              users: { url: "ftp://127.0.0.1:1", timeot: 2s }
            endpoints:
              overview:
                path: /v1/users/{id}
                calls:
                  company: { upstream: users, path: "/companies/{usr.companyId}" }
            """;

    @TempDir
    Path dir;

    @Test
    void shouldSummarizeEveryValidFileAndExitZero() throws IOException {
        Path a = write("a.yaml", VALID);
        Path b = write("b.yaml", "upstreams:\nendpoints:\n");

        Run run = run(Map.of("USERS_TOKEN", "t"), "check", a.toString(), b.toString());

        assertThat(run.status()).isZero();
        assertThat(run.out().lines())
                .containsExactly(
                        a + ": OK (1 upstream, 1 endpoint, 2 calls)", b + ": OK (0 upstreams, 0 endpoints, 0 calls)");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void shouldPrintTheProblemsStartUpWouldPrintNamingTheFileAndExitOne() throws IOException {
        Path bad = write("bad.yaml", INVALID);
        String startUp = startUpMessage(INVALID);

        Run run = run(Map.of(), "check", bad.toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEqualTo(bad + ": " + startUp + System.lineSeparator());
        assertThat(run.out())
                .contains(
                        "upstreams.users.timeot: unknown key 'timeot'",
                        "upstreams.users.url",
                        "endpoints.overview.calls.company.path: unknown");
    }

    @Test
    void shouldReportAMissingFileAnUnsetVariableAndASyntaxErrorAsLocatedProblems() throws IOException {
        Path valid = write("valid.yaml", VALID);
        Path broken = write("broken.yaml", "upstreams:\n  users: { url: http://h:1\n");
        Path missing = dir.resolve("missing.yaml");

        Run run = run(Map.of(), "check", missing.toString(), valid.toString(), broken.toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out())
                .contains(missing + ": invalid configuration (1 problem)", "cannot read the file: no such file");
        assertThat(run.out()).contains(valid + ": invalid configuration (1 problem)", "USERS_TOKEN");
        assertThat(run.out()).contains(broken + ": invalid configuration (1 problem)", "line 3");
    }

    @Test
    void shouldApplyTheDatabaseModeVariableRuleWhenAskedTo() throws IOException {
        Path valid = write("valid.yaml", VALID);

        Run allowed = run(Map.of("USERS_TOKEN", "t"), "check", "--env-allow=USERS_*", valid.toString());
        Run refused = run(Map.of("USERS_TOKEN", "t"), "check", "--env-allow=LEGACY_*", valid.toString());

        assertThat(allowed.status()).isZero();
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.out()).contains("USERS_TOKEN");
    }

    @Test
    void shouldExitTwoWithUsageForAnIncompleteCommandLine() {
        Run noFile = run(Map.of(), "check");
        Run unknownOption = run(Map.of(), "check", "--lint", "x.yaml");

        assertThat(noFile.status()).isEqualTo(2);
        assertThat(noFile.err()).contains("usage: java -jar fanout.jar check");
        assertThat(unknownOption.status()).isEqualTo(2);
        assertThat(unknownOption.err()).contains("unknown option --lint");
    }

    @Test
    void shouldPrintTheSchema() {
        Run run = run(Map.of(), "schema");

        assertThat(run.status()).isZero();
        assertThat(run.out().strip()).isEqualTo(ConfigSchema.json().strip());
    }

    @Test
    void shouldOnlyTreatCheckAndSchemaAsCommands() {
        assertThat(ToolCommands.isCommand(new String[] {"check", "a.yaml"})).isTrue();
        assertThat(ToolCommands.isCommand(new String[] {"schema"})).isTrue();
        assertThat(ToolCommands.isCommand(new String[] {"--fanout.config=check"}))
                .isFalse();
        assertThat(ToolCommands.isCommand(new String[0])).isFalse();
    }

    @Test
    void shouldCheckFromTheApplicationMainInAChildJvmWithoutStartingAServer() throws Exception {
        Path valid = write("valid.yaml", VALID.replace("${USERS_TOKEN}", "t"));
        Path bad = write("bad.yaml", INVALID);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        FanoutApplication.class.getName(),
                        "check",
                        valid.toString(),
                        bad.toString())
                .redirectErrorStream(true);

        Process process = builder.start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) {
            process.destroyForcibly();
        }

        assertThat(exited).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(1);
        assertThat(output)
                .contains(
                        valid + ": OK (1 upstream, 1 endpoint, 2 calls)", bad + ": invalid configuration (3 problems)")
                .doesNotContain("Netty started", "Started Fanout");
    }

    private static String startUpMessage(String yaml) {
        ConfigPipeline pipeline = new ConfigPipeline(
                u -> {
                    throw new IllegalStateException();
                },
                new SimpleMeterRegistry(),
                ConfigEnvironment.fileMode(name -> null));
        Throwable thrown =
                org.assertj.core.api.Assertions.catchThrowable(() -> pipeline.load(ConfigPipeline.read(yaml), 1, null));
        assertThat(thrown).isInstanceOf(InvalidConfigException.class);
        return thrown.getMessage();
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private record Run(int status, String out, String err) {}

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ToolCommands.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                name -> lookup(env, name));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static @Nullable String lookup(Map<String, String> env, String name) {
        return env.get(name);
    }
}
