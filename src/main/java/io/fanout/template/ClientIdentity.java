package io.fanout.template;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Who is calling an endpoint with {@code auth}, as {@code {client.id}}, {@code {client.plan}} and
 * {@code {claims.X}} read it (SPEC §8). Built by {@code io.fanout.edge} once the credential is verified.
 *
 * @param id     the JWT's {@code sub}, the API key's name, or the client address of an anonymous caller
 * @param plan   the quota plan's name, or null when none applies
 * @param claims the verified token's claims (empty for API keys and anonymous callers)
 */
public record ClientIdentity(String id, @Nullable String plan, Map<String, Object> claims) {

    public ClientIdentity {
        claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    }

    /** The claim at {@code path} ({@code a.b} for nested objects), or null when absent. */
    public @Nullable Object claim(String[] path) {
        Object node = claims;
        for (String segment : path) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(segment);
        }
        return node;
    }
}
