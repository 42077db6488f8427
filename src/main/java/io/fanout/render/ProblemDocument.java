package io.fanout.render;

import io.fanout.json.JsonBytes;
import io.fanout.json.JsonCodec;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one writer of RFC 9457 problem documents, for every error answer (composite, admin, jobs, 404/405/413):
 * {@code type}, {@code title}, {@code status}, {@code detail}, {@code requestId}, then any extension members. No
 * Spring: the web layer only adds the status line and headers around these bytes.
 */
public final class ProblemDocument {

    private ProblemDocument() {}

    /**
     * Writes the standard members, leaving the object open: append extension members (each starting with a comma),
     * then close it with {@code '}'}.
     */
    public static JsonBytes open(JsonBytes out, String type, int status, String detail, String requestId) {
        return out.ascii("{\"type\":")
                .string(type)
                .ascii(",\"title\":")
                .string(ProblemTypes.title(status))
                .ascii(",\"status\":")
                .number(status)
                .ascii(",\"detail\":")
                .string(detail)
                .ascii(",\"requestId\":")
                .string(requestId);
    }

    /** A complete problem of the type for {@code status}. */
    public static byte[] of(int status, String detail, String requestId) {
        return of(ProblemTypes.typeFor(status), status, detail, requestId, Map.of());
    }

    /**
     * A complete problem with extension members ({@code errors}, {@code currentVersion}, ...), each written as JSON
     * by the one mapper, in the map's order.
     */
    public static byte[] of(
            String type, int status, String detail, String requestId, Map<String, ? extends @Nullable Object> members) {
        JsonBytes out = open(new JsonBytes(256), type, status, detail, requestId);
        for (Map.Entry<String, ? extends @Nullable Object> m : members.entrySet()) {
            out.raw(',').string(m.getKey()).raw(':').raw(JsonCodec.MAPPER.writeValueAsBytes(m.getValue()));
        }
        return out.raw('}').toByteArray();
    }
}
