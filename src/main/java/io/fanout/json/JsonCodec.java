package io.fanout.json;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one Jackson 3 mapper of Fanout's own JSON: upstream and client bodies, blocking sources' answers, JDBC rows,
 * job inputs and stored config documents. Deliberately not Spring's application mapper: that one follows
 * {@code spring.jackson.*} settings meant for HTTP responses, and neither answers nor stored documents may change
 * shape when those change.
 */
public final class JsonCodec {

    /** Deepest nesting read; upstream bodies are bounded in size by max-response-size, in depth here. */
    public static final int MAX_DEPTH = 500;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    /** Keeps the key order of maps as given (stored documents come back as they were written). */
    public static final JsonMapper MAPPER = JsonMapper.builder(FACTORY)
            .disable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private JsonCodec() {}

    /** Parses bytes into a tree; throws {@link tools.jackson.core.JacksonException} when not one JSON value. */
    public static JsonNode readTree(byte[] bytes) {
        return MAPPER.readTree(bytes);
    }
}
