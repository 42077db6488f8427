package io.fanout.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/**
 * A hostile admin's config text (PUT /admin/config, dry runs included, or an imported file) cannot take the loader
 * down: nesting past {@link ConfigReader#MAX_DEPTH} and alias bombs are located syntax problems (a 400/422 through the
 * admin API), never a {@link StackOverflowError} or a tree exponentially larger than the text.
 */
class ConfigNestingTests {

    @Test
    void shouldRefuseFlowNestingDeeperThanTheLimitAsAProblemNotAStackOverflow() {
        for (String text :
                new String[] {"[".repeat(200_000), "a: " + "{x: ".repeat(100_000), "{\"a\":".repeat(100_000)}) {
            InvalidConfigException refused =
                    catchThrowableOfType(InvalidConfigException.class, () -> ConfigReader.read(text));

            assertThat(refused).as("refused, not thrown as an Error").isNotNull();
            assertThat(refused.problems())
                    .singleElement()
                    .satisfies(p -> assertThat(p.message()).contains("nested deeper than 64 levels", "line 1"));
        }
    }

    @Test
    void shouldRefuseBlockNestingDeeperThanTheLimit() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append(" ".repeat(i)).append("k").append(i).append(":\n");
        }
        text.append(" ".repeat(200)).append("leaf\n");

        InvalidConfigException refused =
                catchThrowableOfType(InvalidConfigException.class, () -> ConfigReader.read(text.toString()));

        assertThat(refused).isNotNull();
        assertThat(refused.problems().get(0).message()).contains("nested deeper than 64 levels", "line 65");
    }

    @Test
    void shouldStillReadNestingUpToTheLimit() {
        String text = "a: " + "[".repeat(ConfigReader.MAX_DEPTH - 1) + "1" + "]".repeat(ConfigReader.MAX_DEPTH - 1);

        assertThat(ConfigReader.read(text)).isNotNull();
    }

    @Test
    void shouldRefuseAnAliasBomb() {
        String bomb = """
                a: &a [x, x, x, x, x, x, x, x, x]
                b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
                c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
                d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
                e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
                f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]
                """;

        InvalidConfigException refused =
                catchThrowableOfType(InvalidConfigException.class, () -> ConfigReader.read(bomb));

        assertThat(refused).isNotNull();
        assertThat(refused.problems().get(0).message()).contains("aliases expand to more than");
    }
}
