package io.fanout.upstream.resilience;

import io.fanout.upstream.UpstreamResponse;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;

/**
 * Decides whether a 2xx answer is one the engine can use, before the resilience layer caches, shares or judges it:
 * a 2xx with a body that is not one JSON value is {@code invalid-response} (SPEC §7), so it must not be stored in
 * the cache, served as stale later, handed to coalesced followers or counted as a success by the breaker.
 *
 * <p>The rule mirrors the engine's: a 204, or an empty body with a 2xx other than 200, carries no data and is fine;
 * anything else must be exactly one JSON value (whitespace around it allowed). The check streams tokens without
 * building a tree.
 */
final class JsonAnswer {

    // the same nesting bound as the engine's mapper, so both judge a body alike
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(500).build())
            .build();

    private JsonAnswer() {
    }

    static boolean usable(UpstreamResponse response) {
        byte[] body = response.body();
        if (response.status() == 204 || body.length == 0 && response.status() != 200) {
            return true;
        }
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), body)) {
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
