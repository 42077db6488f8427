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
 */
public record UpstreamRequest(String method, String pathAndQuery, List<String> headers, byte @Nullable [] body,
                              String requestId, boolean idempotent) {

    /** A key identifying identical requests (for coalescing and caching): method, path and headers. */
    public String identity() {
        StringBuilder sb = new StringBuilder(method).append(' ').append(pathAndQuery);
        for (int i = 0; i < headers.size(); i += 2) {
            sb.append('\n').append(headers.get(i)).append(':').append(headers.get(i + 1));
        }
        return sb.toString();
    }
}
