package io.fanout.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.compile.ConfigPipeline;
import io.fanout.compile.TestConfigs;
import io.fanout.compile.ValidatedConfig;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped example configs stay valid: the demo's, and the one docker compose imports as version 1. */
class ExampleConfigsTests {

    @ParameterizedTest
    @ValueSource(strings = {"examples/demo.yaml", "examples/compose.yaml"})
    void shouldValidateWithoutProblems(String file) {
        ValidatedConfig checked = TestConfigs.pipeline(name -> null).validate(ConfigPipeline.read(Path.of(file)));

        assertThat(checked.problems()).isEmpty();
        assertThat(checked.definition().endpoints()).containsKey("user-overview");
    }
}
