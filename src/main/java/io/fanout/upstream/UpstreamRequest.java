package io.fanout.upstream;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One rendered upstream call, of the kind its transport understands: an {@link Http} call (HTTP upstreams, and
 * {@code kind: java} sources, which see the same method, path and headers) or a {@link Query} for a
 * {@code kind: jdbc} upstream. The policies only ask what every kind answers: may it be retried, is it a read.
 */
public sealed interface UpstreamRequest permits UpstreamRequest.Http, UpstreamRequest.Query {

    /** The client request's id: sent upstream as X-Request-Id (HTTP) and in every log line about the call. */
    String requestId();

    /** True when the call may be retried or hedged. */
    boolean idempotent();

    /** True for a read without side effects (a GET, a query): only reads are cached, coalesced and hedged. */
    boolean read();

    /** A key identifying identical requests (for coalescing and caching). */
    String identity();

    /**
     * A call in HTTP terms: method, path with query (already percent-encoded, relative to the upstream's base URL),
     * headers as name/value pairs (already checked for CR/LF) and an optional JSON body.
     *
     * @param method       upper-case HTTP method
     * @param pathAndQuery encoded path and query, starting with {@code /}
     * @param headers      flat list: name0, value0, name1, value1, ...
     * @param body         request body bytes or null
     * @param requestId    the client request's id, sent as X-Request-Id
     * @param idempotent   true when the call may be retried or hedged
     */
    record Http(
            String method,
            String pathAndQuery,
            List<String> headers,
            byte @Nullable [] body,
            String requestId,
            boolean idempotent)
            implements UpstreamRequest {

        @Override
        public boolean read() {
            return "GET".equals(method);
        }

        /** Method, path and headers: the body is not part of it, since only reads (GETs) are shared. */
        @Override
        public String identity() {
            StringBuilder sb = new StringBuilder(method.length() + pathAndQuery.length() + 1 + headers.size() * 16)
                    .append(method)
                    .append(' ')
                    .append(pathAndQuery);
            for (int i = 0; i < headers.size(); i += 2) {
                sb.append('\n').append(headers.get(i)).append(':').append(headers.get(i + 1));
            }
            return sb.toString();
        }
    }

    /**
     * A read-only query for a {@code kind: jdbc} upstream: a read, so retried, hedged, coalesced and cached like a
     * GET. It carries no headers: a database never sees them, so they must not split identical queries either.
     *
     * @param query     SQL text with its bound parameters
     * @param requestId the client request's id, for log lines
     */
    record Query(SqlQuery query, String requestId) implements UpstreamRequest {

        @Override
        public boolean idempotent() {
            return true;
        }

        @Override
        public boolean read() {
            return true;
        }

        /** The SQL and the type and value of every parameter, length-prefixed so no value imitates a boundary. */
        @Override
        public String identity() {
            StringBuilder sb = new StringBuilder("sql:").append(query.sql()).append(query.single() ? "\nsingle" : "");
            for (Object p : query.parameters()) {
                String v = String.valueOf(p);
                sb.append('\n')
                        .append(p == null ? "null" : p.getClass().getSimpleName())
                        .append(':')
                        .append(v.length())
                        .append(':')
                        .append(v);
            }
            return sb.toString();
        }
    }
}
