package io.fanout.upstream;

/**
 * A complete 2xx upstream answer, its body bounded by {@code max-response-size}. What a transport's
 * {@link UpstreamClient#exchange} answers has passed {@link TransportExchange}'s JSON verdict: when
 * {@link #hasData()}, the body is exactly one JSON value in UTF-8 and may be embedded in an answer as it is.
 *
 * @param status     the HTTP status (2xx)
 * @param body       the body bytes
 * @param source     where the answer came from
 */
public record UpstreamResponse(int status, byte[] body, Source source) {

    /** Where an answer came from (SPEC §2 {@code meta.calls.X.source}). */
    public enum Source {
        NETWORK("network"),
        CACHE("cache"),
        STALE("stale"),
        COALESCED("coalesced");

        private final String wireName;

        Source(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /**
     * False for an answer that carries no data (its call's data is {@code null}): a 204, or an empty body with a
     * 2xx other than 200. Any other body must be one JSON value.
     */
    public boolean hasData() {
        return status != 204 && (body.length > 0 || status == 200);
    }

    /** The same answer marked as coming from another source. */
    public UpstreamResponse withSource(Source newSource) {
        return newSource == source ? this : new UpstreamResponse(status, body, newSource);
    }
}
