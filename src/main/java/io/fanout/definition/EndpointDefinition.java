package io.fanout.definition;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A composite endpoint: a route and the calls that make its answer.
 *
 * @param name           the key under {@code endpoints}
 * @param method         HTTP method in upper case (default GET)
 * @param path           route with {@code {var}} segments, e.g. {@code /v1/users/{id}/overview}
 * @param deadline       budget of the whole request (default 2s)
 * @param onFailure      partial (default) or fail-fast
 * @param forwardHeaders client headers forwarded to every call (deny by default)
 * @param calls          calls in declaration order (the order of {@code data})
 * @param auth           whether callers must identify themselves (default none)
 * @param scopes         scopes a token must carry, each of them
 */
public record EndpointDefinition(
        String name,
        String method,
        String path,
        Duration deadline,
        OnFailure onFailure,
        List<String> forwardHeaders,
        Map<String, CallDefinition> calls,
        AuthMode auth,
        List<String> scopes) {

    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(2);

    public EndpointDefinition {
        forwardHeaders = List.copyOf(forwardHeaders);
        calls = Collections.unmodifiableMap(new LinkedHashMap<>(calls));
        scopes = List.copyOf(scopes);
    }

    /** A public endpoint (no {@code auth}). */
    public EndpointDefinition(
            String name,
            String method,
            String path,
            Duration deadline,
            OnFailure onFailure,
            List<String> forwardHeaders,
            Map<String, CallDefinition> calls) {
        this(name, method, path, deadline, onFailure, forwardHeaders, calls, AuthMode.NONE, List.of());
    }
}
