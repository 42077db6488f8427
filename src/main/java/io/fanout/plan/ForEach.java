package io.fanout.plan;

import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * {@code for-each: orders.items}: the array to iterate (a field of another call's body) and the concurrency cap.
 *
 * @param sourceCall  index of the call whose body holds the array
 * @param path        field names from that body to the array
 * @param text        as written, for messages
 * @param concurrency at most this many element calls at once
 * @param maxItems    a longer list fails the call before any element call is sent
 */
public record ForEach(int sourceCall, List<String> path, String text, int concurrency, int maxItems) {

    public ForEach {
        path = List.copyOf(path);
    }

    /** The node at the path in the source body, or null. */
    public @Nullable JsonNode find(@Nullable JsonNode body) {
        JsonNode n = body;
        for (int i = 0; n != null && i < path.size(); i++) {
            n = n.get(path.get(i));
        }
        return n;
    }
}
