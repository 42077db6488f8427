package io.fanout.upstream;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One rendered upstream call: method, path with query (already percent-encoded, relative to the upstream's
 * base URL), headers as name/value pairs (already checked for CR/LF) and an optional JSON body.
 *
 * @param method        upper-case HTTP method
 * @param pathAndQuery  encoded path and query, starting with {@code /}
 * @param headers       flat list: name0, value0, name1, value1, ...
 * @param body          request body bytes or null
 * @param requestId     the client request's id, sent as X-Request-Id
 * @param idempotent    true when the call may be retried or hedged
 * @param sql           the query of a call to a {@code kind: jdbc} upstream, else null
 */
public record UpstreamRequest(String method, String pathAndQuery, List<String> headers, byte @Nullable [] body,
                              String requestId, boolean idempotent, @Nullable SqlQuery sql) {

    /** A request to an HTTP (or java) upstream. */
    public UpstreamRequest(String method, String pathAndQuery, List<String> headers, byte @Nullable [] body,
                           String requestId, boolean idempotent) {
        this(method, pathAndQuery, headers, body, requestId, idempotent, null);
    }

    /**
     * A key identifying identical requests (for coalescing and caching): method, path and headers, and for a query
     * its SQL and the type and value of every parameter.
     */
    public String identity() {
        StringBuilder sb = new StringBuilder(method).append(' ').append(pathAndQuery);
        for (int i = 0; i < headers.size(); i += 2) {
            sb.append('\n').append(headers.get(i)).append(':').append(headers.get(i + 1));
        }
        SqlQuery q = sql;
        if (q != null) {
            sb.append("\nsql:").append(q.sql()).append(q.single() ? "\nsingle" : "");
            for (Object p : q.parameters()) {
                // length-prefixed, so no value can imitate a boundary between two others
                String v = String.valueOf(p);
                sb.append('\n').append(p == null ? "null" : p.getClass().getSimpleName()).append(':')
                        .append(v.length()).append(':').append(v);
            }
        }
        return sb.toString();
    }
}
