package io.fanout.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fanout.definition.ConfigParser;

/** The shipped example configs stay valid: the demo's, and the one docker compose imports as version 1. */
class ExampleConfigsTest {

    @ParameterizedTest
    @ValueSource(strings = {"examples/demo.yaml", "examples/compose.yaml"})
    void shouldBindWithoutProblems(String file) {
        ConfigParser.Bound bound = ConfigParser.bindFile(Path.of(file));

        assertThat(bound.problems()).isEmpty();
        assertThat(bound.definition().endpoints()).containsKey("user-overview");
    }
}
