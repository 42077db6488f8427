package io.fanout.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fanout.definition.ConfigProblem;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A config from a hostile token holder cannot size threads or buffers without bound: {@code pool-size} above
 * {@value UpstreamChecks#MAX_POOL_SIZE} and {@code max-response-size} above 1GB are located problems (422 through the
 * admin API), checked before any pool or client is built.
 */
class UpstreamCeilingsTests {

    private final ConfigPipeline compiler = TestConfigs.pipeline(name -> null);

    private List<ConfigProblem> problems(String yaml) {
        return compiler.validate(ConfigPipeline.read(yaml)).problems();
    }

    @Test
    void shouldRefuseAPoolOfThousandsOfThreadsAndAnAnswerNoArrayCanHold() {
        List<ConfigProblem> problems = problems("""
                upstreams:
                  legacy: { kind: jdbc, url: "jdbc:postgresql://127.0.0.1:1/x", pool-size: 100000 }
                  huge: { url: "http://127.0.0.1:1", max-response-size: 8GB }
                """);

        assertThat(problems)
                .extracting(ConfigProblem::location, ConfigProblem::message)
                .containsExactlyInAnyOrder(
                        tuple("upstreams.legacy.pool-size", "must be at most 512 but was 100000"),
                        tuple("upstreams.huge.max-response-size", "must be at most 1GB but was 8589934592 bytes"));
    }

    @Test
    void shouldAcceptTheCeilingsThemselves() {
        assertThat(problems("""
                upstreams:
                  legacy: { kind: jdbc, url: "jdbc:postgresql://127.0.0.1:1/x", pool-size: 512 }
                  big: { url: "http://127.0.0.1:1", max-response-size: 1GB }
                """)).isEmpty();
    }
}
