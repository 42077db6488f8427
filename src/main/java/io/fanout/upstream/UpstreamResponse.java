package io.fanout.upstream;



/**
 * A complete 2xx upstream answer, its body bounded by {@code max-response-size}.
 *
 * @param status     the HTTP status (2xx)
 * @param body       the raw body bytes (not yet validated as JSON)
 * @param source     where the answer came from
 */
public record UpstreamResponse(int status, byte[] body, Source source) {

    /** Where an answer came from (SPEC §2 {@code meta.calls.X.source}). */
    public enum Source {
        NETWORK("network"), CACHE("cache"), STALE("stale"), COALESCED("coalesced");

        private final String wireName;

        Source(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** The same answer marked as coming from another source. */
    public UpstreamResponse withSource(Source newSource) {
        return newSource == source ? this : new UpstreamResponse(status, body, newSource);
    }

}
