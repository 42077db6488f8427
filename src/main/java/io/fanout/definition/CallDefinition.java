package io.fanout.definition;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One upstream call of an endpoint. Strings may hold templates ({@code {path.id}}, {@code {user.companyId}}, ...),
 * which the compiler parses.
 *
 * @param name        the key under {@code calls}
 * @param upstream    name of an upstream
 * @param method      HTTP method in upper case (default GET)
 * @param path        path template (HTTP upstreams)
 * @param query       query parameter templates, in order
 * @param headers     header templates
 * @param body        JSON template (maps, lists, strings, numbers, booleans, null) or null for no body
 * @param required    a failure of a required call fails the request (default true)
 * @param select      JSON Pointer into the upstream body, or null for the whole body
 * @param timeout     overrides the upstream's timeout, or null
 * @param forEach     {@code call.path.to.array}: one call per element, or null
 * @param concurrency cap of concurrent for-each calls (default 8)
 * @param maxItems    for-each: a longer list fails the call with invalid-response (default 1000)
 * @param idempotent  allows retry/hedging of a non-GET call
 * @param sql         read-only SQL template (jdbc upstreams), or null
 * @param single      jdbc: one object instead of an array of rows
 */
public record CallDefinition(
        String name,
        String upstream,
        String method,
        @Nullable String path,
        Map<String, String> query,
        Map<String, String> headers,
        @Nullable Object body,
        boolean required,
        @Nullable String select,
        @Nullable Duration timeout,
        @Nullable String forEach,
        int concurrency,
        int maxItems,
        boolean idempotent,
        @Nullable String sql,
        boolean single) {

    public static final int DEFAULT_CONCURRENCY = 8;
    public static final int DEFAULT_MAX_ITEMS = 1000;

    public CallDefinition {
        query = Collections.unmodifiableMap(new LinkedHashMap<>(query));
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }
}
