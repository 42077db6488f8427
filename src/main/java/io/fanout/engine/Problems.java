package io.fanout.engine;

import org.springframework.http.HttpStatus;

/** Problem type URIs and titles used in every RFC 9457 answer; documented in docs/problems.md. */
public final class Problems {

    public static final String BASE = "https://fanout.dev/problems/";

    private Problems() {
    }

    /** The problem type for an answer status. */
    public static String typeFor(int status) {
        return BASE + switch (status) {
            case 400 -> "bad-request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 409 -> "conflict";
            case 412 -> "precondition-failed";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            case 422 -> "invalid-config";
            case 502 -> "upstream-failed";
            case 503 -> "upstream-unavailable";
            case 504 -> "upstream-timeout";
            default -> status >= 400 && status < 500 ? "upstream-rejected" : "internal-error";
        };
    }

    public static String title(int status) {
        HttpStatus s = HttpStatus.resolve(status);
        return s != null ? s.getReasonPhrase() : "Error " + status;
    }
}
