package io.fanout.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.fanout.definition.ConfigProblem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Validation never throws for what a document says: every value of the SPEC example replaced by a value of every
 * other shape still gives a list of located problems (or none), each once.
 */
class ConfigPipelineRobustnessTests {

    private static final List<Object> REPLACEMENTS = Arrays.asList(
            null, "x", "{usr.id}", "/a?b", 0, -1, 2.5, true, List.of(), List.of("a"), Map.of(), Map.of("k", "v"));

    @Test
    void shouldReportEveryBrokenValueWithoutThrowing() throws IOException {
        Object document = ConfigPipeline.read(specExample());
        List<List<Object>> paths = new ArrayList<>();
        collect(document, new ArrayList<>(), paths);
        ConfigPipeline pipeline = TestConfigs.pipeline(name -> "value");
        int validated = 0;

        for (List<Object> path : paths) {
            for (Object replacement : REPLACEMENTS) {
                Object mutated = replace(document, path, 0, replacement);
                assertThatCode(() -> {
                            List<ConfigProblem> problems =
                                    pipeline.validate(mutated).problems();
                            assertThat(problems).doesNotHaveDuplicates();
                        })
                        .as(path + " = " + replacement)
                        .doesNotThrowAnyException();
                validated++;
            }
        }

        assertThat(paths).hasSizeGreaterThan(100);
        assertThat(validated).isEqualTo(paths.size() * REPLACEMENTS.size());
    }

    private static void collect(Object node, List<Object> at, List<List<Object>> paths) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                List<Object> next = new ArrayList<>(at);
                next.add(k);
                paths.add(next);
                collect(v, next, paths);
            });
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                List<Object> next = new ArrayList<>(at);
                next.add(i);
                paths.add(next);
                collect(list.get(i), next, paths);
            }
        }
    }

    /** A copy of {@code node} with the value at {@code path} replaced. */
    private static Object replace(Object node, List<Object> path, int depth, Object replacement) {
        if (depth == path.size()) {
            return replacement;
        }
        Object key = path.get(depth);
        if (node instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>(map);
            copy.put(key, replace(map.get(key), path, depth + 1, replacement));
            return copy;
        }
        List<Object> copy = new ArrayList<>((List<?>) node);
        int i = (Integer) key;
        copy.set(i, replace(copy.get(i), path, depth + 1, replacement));
        return copy;
    }

    private static String specExample() throws IOException {
        try (InputStream in =
                ConfigPipelineRobustnessTests.class.getResourceAsStream("/io/fanout/definition/spec-example.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
