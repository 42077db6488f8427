package io.fanout.edge;

import io.fanout.render.ProblemTypes;
import org.jspecify.annotations.Nullable;

/**
 * Why a request to an endpoint with {@code auth} is refused, as the answer says it: status, problem type,
 * {@code WWW-Authenticate} challenge and {@code Retry-After}. Thrown inside the guard's chain and turned into the
 * answer in one place; never reaches an upstream.
 *
 * @param status          401, 403, 429 or 503
 * @param type            the problem type URI
 * @param reason          the metric tag ({@code invalid_token}, {@code insufficient_scope}, {@code quota}, ...)
 * @param detail          the problem's detail (never a credential)
 * @param challenge       the {@code WWW-Authenticate} value, or null
 * @param retryAfter      seconds for {@code Retry-After}, or 0 for none
 */
record EdgeRefusal(
        int status,
        String type,
        String reason,
        String detail,
        @Nullable String challenge,
        long retryAfter) {

    static final String INVALID_TOKEN = ProblemTypes.BASE + "invalid-token";
    static final String INSUFFICIENT_SCOPE = ProblemTypes.BASE + "insufficient-scope";
    static final String QUOTA_EXCEEDED = ProblemTypes.BASE + "quota-exceeded";
    static final String IDENTITY_UNAVAILABLE = ProblemTypes.BASE + "identity-unavailable";

    /** No credential on an {@code auth: required} endpoint: a bare challenge (RFC 6750 §3.1). */
    static EdgeRefusal missing() {
        return new EdgeRefusal(
                401,
                ProblemTypes.typeFor(401),
                "missing_credential",
                "this endpoint needs a bearer token or an API key",
                "Bearer realm=\"fanout\"",
                0);
    }

    /** A token or key that is not valid (expired, bad signature, wrong issuer or audience, unknown key...). */
    static EdgeRefusal invalid(String detail) {
        return new EdgeRefusal(
                401,
                INVALID_TOKEN,
                "invalid_token",
                detail,
                "Bearer realm=\"fanout\", error=\"invalid_token\", error_description=\"" + quoted(detail) + "\"",
                0);
    }

    /** Both a bearer token and an API key: which one speaks for the client would be a guess. */
    static EdgeRefusal ambiguous() {
        return new EdgeRefusal(
                401,
                INVALID_TOKEN,
                "invalid_request",
                "send either a bearer token or an API key, not both",
                "Bearer realm=\"fanout\", error=\"invalid_request\"",
                0);
    }

    static EdgeRefusal insufficientScope(String scopes) {
        return new EdgeRefusal(
                403,
                INSUFFICIENT_SCOPE,
                "insufficient_scope",
                "the token lacks a scope this endpoint needs (needs: " + scopes + ")",
                "Bearer realm=\"fanout\", error=\"insufficient_scope\", scope=\"" + quoted(scopes) + "\"",
                0);
    }

    static EdgeRefusal quota(String plan, long retryAfter) {
        return new EdgeRefusal(
                429,
                QUOTA_EXCEEDED,
                "quota",
                "quota of plan '" + plan + "' exceeded; retry in " + retryAfter + "s",
                null,
                retryAfter);
    }

    static EdgeRefusal jwksUnavailable(long retryAfter) {
        return new EdgeRefusal(
                503,
                IDENTITY_UNAVAILABLE,
                "jwks_unavailable",
                "the identity provider's keys (JWKS) cannot be fetched, so no token can be checked",
                null,
                retryAfter);
    }

    /** An RFC 7230 quoted-string body: no quotes, backslashes or control characters. */
    private static String quoted(String s) {
        return s.replaceAll("[\"\\\\\\p{Cntrl}]", "'");
    }

    /** Carries a refusal through a reactive chain (no stack trace: it is an answer, not a bug). */
    static final class Refused extends RuntimeException {
        private final EdgeRefusal refusal;

        Refused(EdgeRefusal refusal) {
            super(refusal.detail(), null, false, false);
            this.refusal = refusal;
        }

        EdgeRefusal refusal() {
            return refusal;
        }
    }

    Refused error() {
        return new Refused(this);
    }
}
