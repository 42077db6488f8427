package io.fanout.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** JSON text of config documents and read-only copies of their trees; key order is kept both ways. */
final class Documents {

    // A private mapper on purpose: the application's JsonMapper follows spring.jackson.* settings meant for
    // HTTP responses, and stored documents must not change shape when those change.
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private Documents() {
    }

    static String toJson(Map<String, Object> document) {
        try {
            return MAPPER.writeValueAsString(document);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("config document cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> fromJson(byte[] json) {
        // Jackson reads JSON objects into LinkedHashMap, so the stored key order survives
        return (Map<String, Object>) MAPPER.readValue(json, Map.class);
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
