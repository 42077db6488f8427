package io.fanout.json;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;

/** What a Jackson streaming parse of the one mapper accepts: the reference {@link JsonValidator} is held to. */
public final class JacksonParse {

    private JacksonParse() {}

    /** True when Jackson reads exactly one value from {@code bytes}, with nothing after it. */
    public static boolean accepts(byte[] bytes) {
        try (JsonParser p = JsonCodec.MAPPER.createParser(bytes)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (JacksonException e) {
            return false;
        }
    }
}
