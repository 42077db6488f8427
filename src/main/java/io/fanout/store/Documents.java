package io.fanout.store;

import io.fanout.json.JsonCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

/**
 * JSON text of config documents and read-only copies of their trees; key order is kept both ways. Written with
 * Fanout's own {@link JsonCodec} mapper, not Spring's: the application's mapper follows {@code spring.jackson.*}
 * settings meant for HTTP responses, and stored documents must not change shape when those change.
 */
final class Documents {

    private Documents() {}

    static String toJson(Map<String, Object> document) {
        try {
            return JsonCodec.MAPPER.writeValueAsString(document);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(
                    "config document cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> fromJson(byte[] json) {
        // Jackson reads JSON objects into LinkedHashMap, so the stored key order survives
        return (Map<String, Object>) JsonCodec.MAPPER.readValue(json, Map.class);
    }

    /** A deep read-only copy; keeps key order and nulls (which {@code Map.copyOf}/{@code List.copyOf} reject). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> readOnly(Map<String, ?> document) {
        return (Map<String, Object>) readOnlyValue(document);
    }

    private static @Nullable Object readOnlyValue(@Nullable Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, @Nullable Object> copy = new LinkedHashMap<>();
            map.forEach((key, child) -> copy.put(String.valueOf(key), readOnlyValue(child)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<@Nullable Object> copy = new ArrayList<>(list.size());
            list.forEach(child -> copy.add(readOnlyValue(child)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
