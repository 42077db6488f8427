package io.fanout.definition;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.compile.TestConfigs;
import java.util.List;

/** Validates test documents and returns what went wrong. */
final class ConfigAssertions {

    /** A valid upstream block to build test documents on. */
    static final String USERS = """
            upstreams:
              users:
                url: http://localhost:18081
            """;

    private ConfigAssertions() {}

    /** Every problem the pipeline finds in a document (the binder's and the compiler's, no variable set). */
    static List<ConfigProblem> problems(String yaml) {
        List<ConfigProblem> problems;
        try {
            problems = TestConfigs.problems(yaml);
        } catch (InvalidConfigException syntax) {
            problems = syntax.problems();
        }
        assertThat(problems).as("expected the config to be rejected").isNotEmpty();
        return problems;
    }

    /** The one problem in a document with exactly one. */
    static ConfigProblem problem(String yaml) {
        List<ConfigProblem> problems = problems(yaml);
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }

    /** The users upstream with {@code settings} (indented by four spaces) added. */
    static String usersWith(String settings) {
        return USERS + settings.indent(4);
    }

    /** A GET /x endpoint whose one call 'a' to users has {@code settings} (indented by eight spaces). */
    static String callWith(String settings) {
        return USERS + """
                endpoints:
                  e:
                    path: /x
                    calls:
                      a:
                """ + settings.indent(8);
    }
}
