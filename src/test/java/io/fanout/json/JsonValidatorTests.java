package io.fanout.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The byte-level JSON validator (for bodies embedded raw), checked against a real Jackson parse. */
class JsonValidatorTests {

    private static boolean jackson(byte[] bytes) {
        return JacksonParse.accepts(bytes);
    }

    private static boolean valid(String s) {
        return JsonValidator.isValid(s.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean valid(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return JsonValidator.isValid(b);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{}",
                "[]",
                " {\"a\":1} \n",
                "\t[1, 2.5, -0, -0.0e-7, 1E+3, 10]\r\n",
                "\"x\"",
                "0",
                "-12",
                "true",
                "false",
                "null",
                "{\"a\":{\"b\":[true,false,null,{}]},\"c\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"}",
                "\"caf\u00e9 \u20ac \uD83D\uDE00\"",
                "{\"\":\"\"}",
                "[[],[[]],{}]",
                "\"\u007f\""
            })
    void acceptsValidJson(String json) {
        assertThat(valid(json)).as(json).isTrue();
        assertThat(jackson(json.getBytes(StandardCharsets.UTF_8)))
                .as("Jackson agrees: " + json)
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "  ",
                "{",
                "}",
                "[",
                "]",
                "{\"a\"}",
                "{\"a\":}",
                "{\"a\" 1}",
                "{a:1}",
                "{'a':1}",
                "[1,]",
                "{,}",
                "[,1]",
                "{\"a\":1,}",
                "[1 2]",
                "01",
                "-",
                "-01",
                "1.",
                ".5",
                "+1",
                "1e",
                "1e+",
                "0x10",
                "NaN",
                "Infinity",
                "tru",
                "truex",
                "nul",
                "True",
                "{}{}",
                "{} x",
                "[] []",
                "\"x\" 1",
                "\"\\x\"",
                "\"\\u12g4\"",
                "\"\\u12\"",
                "\"abc",
                "\"a\nb\"",
                "\"a\tb\"",
                "/* c */ {}",
                "{} // c",
                "[1]]",
                "{\"a\":1}}",
                "\u0000{}"
            })
    void rejectsInvalidJson(String json) {
        assertThat(valid(json)).as(json).isFalse();
        assertThat(jackson(json.getBytes(StandardCharsets.UTF_8)))
                .as("Jackson agrees: " + json)
                .isFalse();
    }

    @Test
    void nestingIsLimitedAsForJackson() {
        String ok = "[".repeat(JsonValidator.MAX_DEPTH) + "]".repeat(JsonValidator.MAX_DEPTH);
        String deep = "[".repeat(JsonValidator.MAX_DEPTH + 1) + "]".repeat(JsonValidator.MAX_DEPTH + 1);
        String deepObjects =
                "{\"a\":".repeat(JsonValidator.MAX_DEPTH + 1) + "1" + "}".repeat(JsonValidator.MAX_DEPTH + 1);
        assertThat(valid(ok)).isTrue();
        assertThat(jackson(ok.getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(valid(deep)).isFalse();
        assertThat(jackson(deep.getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(valid(deepObjects)).isFalse();
        assertThat(jackson(deepObjects.getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void numbersAreLimitedInLength() {
        assertThat(valid("1".repeat(JsonValidator.MAX_NUMBER_LENGTH))).isTrue();
        assertThat(valid("1".repeat(JsonValidator.MAX_NUMBER_LENGTH + 1))).isFalse();
    }

    @Test
    void rejectsWhatCannotBeEmbeddedInUtf8() {
        assertThat(valid(0xEF, 0xBB, 0xBF, '{', '}')).as("byte order mark").isFalse();
        assertThat(valid(0, '{', 0, '}')).as("UTF-16BE").isFalse();
        assertThat(valid('{', 0, '}', 0)).as("UTF-16LE").isFalse();
        assertThat(valid('"', 0xC3, 0xA9, '"')).as("é").isTrue();
        assertThat(valid('"', 0xC0, 0x80, '"')).as("overlong NUL").isFalse();
        assertThat(valid('"', 0xC1, 0xBF, '"')).as("overlong").isFalse();
        assertThat(valid('"', 0xE0, 0x80, 0x80, '"')).as("overlong 3-byte").isFalse();
        assertThat(valid('"', 0xED, 0xA0, 0x80, '"')).as("encoded surrogate").isFalse();
        assertThat(valid('"', 0xED, 0x9F, 0xBF, '"')).as("U+D7FF").isTrue();
        assertThat(valid('"', 0xF0, 0x9F, 0x98, 0x80, '"')).as("U+1F600").isTrue();
        assertThat(valid('"', 0xF0, 0x8F, 0xBF, 0xBF, '"'))
                .as("overlong 4-byte")
                .isFalse();
        assertThat(valid('"', 0xF4, 0x90, 0x80, 0x80, '"')).as("past U+10FFFF").isFalse();
        assertThat(valid('"', 0xF5, 0x80, 0x80, 0x80, '"')).as("F5").isFalse();
        assertThat(valid('"', 0x80, '"')).as("lone continuation").isFalse();
        assertThat(valid('"', 0xC3, '"')).as("truncated").isFalse();
        assertThat(valid('"', 0xE2, 0x82, '"')).as("truncated 3-byte").isFalse();
        assertThat(valid('"', 0xE2, 0x82)).as("truncated at the end").isFalse();
        assertThat(valid(0xC3, 0xA9)).as("non-ASCII outside a string").isFalse();
    }

    /** Random ASCII edits of realistic bodies: the validator and a Jackson parse must always agree. */
    @Test
    void agreesWithJacksonOnMutatedBodies() {
        List<String> corpus = List.of(
                "{\"id\":\"42\",\"name\":\"Ada\",\"tier\":\"gold\",\"n\":-1.5e3,\"ok\":true,\"x\":null,"
                        + "\"address\":{\"city\":\"London\",\"tags\":[\"a\",\"b\\\"c\",1,2.0,[],{}]}}",
                "[{\"sku\":\"SKU-1\",\"score\":0.99,\"rank\":1},{\"sku\":\"SKU-2\",\"score\":0,\"rank\":-2}]",
                "\"\\u00e9\\n\"",
                "123",
                "[true,false,null]");
        String alphabet = "{}[]:,\"\\ \n\t0123456789-+.eEtrufalsn/ux\u0001";
        Random random = new Random(20261130L);
        int rejected = 0;
        List<String> disagreements = new ArrayList<>();
        for (int round = 0; round < 20_000; round++) {
            StringBuilder sb = new StringBuilder(corpus.get(random.nextInt(corpus.size())));
            for (int edits = 1 + random.nextInt(3); edits > 0 && !sb.isEmpty(); edits--) {
                int at = random.nextInt(sb.length());
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> sb.deleteCharAt(at);
                    case 1 -> sb.insert(at, c);
                    default -> sb.setCharAt(at, c);
                }
            }
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            boolean ours = JsonValidator.isValid(bytes);
            if (ours != jackson(bytes)) {
                disagreements.add(sb.toString());
            }
            rejected += ours ? 0 : 1;
        }
        assertThat(disagreements).isEmpty();
        assertThat(rejected).as("the edits produce both outcomes").isBetween(1000, 19_000);
    }
}
