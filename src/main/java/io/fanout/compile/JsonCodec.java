package io.fanout.compile;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one Jackson 3 mapper Fanout uses for upstream and client JSON, plus a validator that checks a body is one
 * well-formed JSON value without building a tree (for bodies embedded as raw bytes).
 */
public final class JsonCodec {

    /** Upstream bodies are bounded by max-response-size; nesting is bounded here. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(500).build())
            .build();

    public static final JsonMapper MAPPER = JsonMapper.builder(FACTORY).build();

    private JsonCodec() {
    }

    /** Parses bytes into a tree; throws {@link tools.jackson.core.JacksonException} when not one JSON value. */
    public static JsonNode readTree(byte[] bytes) {
        return MAPPER.readTree(bytes);
    }

    /** True when {@code bytes} hold exactly one JSON value (whitespace around it allowed). */
    public static boolean isValidJson(byte[] bytes) {
        try (JsonParser p = MAPPER.createParser(bytes)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
