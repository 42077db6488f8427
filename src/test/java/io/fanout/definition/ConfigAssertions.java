package io.fanout.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

/** Parses test documents and returns what went wrong. */
final class ConfigAssertions {

    /** A valid upstream block to build test documents on. */
    static final String USERS = """
            upstreams:
              users:
                url: http://localhost:18081
            """;

    private ConfigAssertions() {
    }

    static List<ConfigProblem> problems(String yaml) {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> ConfigParser.parseYaml(yaml));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.problems();
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
