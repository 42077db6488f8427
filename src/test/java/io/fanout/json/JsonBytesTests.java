package io.fanout.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The byte writer answers are written with. */
class JsonBytesTests {

    @Test
    void writesNumbersLikeLongToString() {
        long[] values = {0, 7, -7, 10, 100, 1234567890L, -987654321L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1
        };
        for (long v : values) {
            JsonBytes out = new JsonBytes(1);
            out.raw('[').number(v).raw(']');
            assertThat(new String(out.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo("[" + v + "]");
        }
    }

    @Test
    void shouldCopyAPrettyPrintedDocumentOntoOneLineWithItsStringsUnchanged() {
        String pretty = "[\r\n  {\"call\":\"user\",\n\n   \"text\": \"a\\nb\\r\\n c\"},\r\n\t2\n]\n";

        JsonBytes out = new JsonBytes(1)
                .raw('<')
                .rawOnOneLine(pretty.getBytes(StandardCharsets.UTF_8))
                .raw('>');

        String line = new String(out.toByteArray(), StandardCharsets.UTF_8);
        assertThat(line).isEqualTo("<[  {\"call\":\"user\",   \"text\": \"a\\nb\\r\\n c\"},\t2]>");
        assertThat(JsonCodec.readTree(line.substring(1, line.length() - 1).getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(JsonCodec.readTree(pretty.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldCopyADocumentWithoutLineBreaksAsItIs() {
        byte[] body = "{\"a\":[1,2,{\"b\":\"caf\u00e9\"}]}".getBytes(StandardCharsets.UTF_8);

        JsonBytes out = new JsonBytes(1).rawOnOneLine(body);

        assertThat(out.toByteArray()).isEqualTo(body);
    }
}
