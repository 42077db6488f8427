package io.fanout.edge;

import io.fanout.definition.ClientsDefinition;

/**
 * One request metered against a client's token bucket, and what the answer's headers say about it.
 *
 * @param plan       the plan whose bucket it was
 * @param allowed    whether a token was taken
 * @param tokens     tokens left after this request (fractional)
 * @param retryAfter seconds until one token is back (0 when allowed)
 */
record Quota(ClientsDefinition.Plan plan, boolean allowed, double tokens, long retryAfter) {

    /** The state of a bucket after a request, from its tokens before refill arithmetic is applied. */
    static Quota of(ClientsDefinition.Plan plan, boolean allowed, double tokens) {
        double perSecond = plan.rate().perSecond();
        long retryAfter = allowed ? 0 : Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
        return new Quota(plan, allowed, tokens, retryAfter);
    }

    /**
     * {@code RateLimit-Policy} (IETF httpapi-ratelimit-headers, structured form): the plan's quota ({@code q}, the
     * bucket size) over the window that refills it completely ({@code w}, seconds).
     */
    String policyHeader() {
        return "\"" + plan.name() + "\";q=" + plan.burst() + ";w=" + window(plan);
    }

    /** {@code RateLimit}: requests left ({@code r}) and seconds until the bucket is full again ({@code t}). */
    String header() {
        long remaining = (long) Math.floor(Math.max(0, tokens));
        double missing = plan.burst() - Math.max(0, tokens);
        long reset = missing <= 0 ? 0 : (long) Math.ceil(missing / plan.rate().perSecond());
        return "\"" + plan.name() + "\";r=" + remaining + ";t=" + Math.max(reset, retryAfter);
    }

    static long window(ClientsDefinition.Plan plan) {
        return Math.max(1, (long) Math.ceil(plan.burst() / plan.rate().perSecond()));
    }
}
