package io.fanout.render;

/**
 * The problem types (stable URIs) and titles of every RFC 9457 answer Fanout gives, by status; what each means is
 * in docs/problems.md. No Spring: the titles are RFC 9110's reason phrases, written out here.
 */
public final class ProblemTypes {

    /** Every problem type is this base plus a name. */
    public static final String BASE = "https://fanout.dev/problems/";

    /** A required call's upstream answered 4xx (the answer keeps that status). */
    public static final String UPSTREAM_REJECTED = BASE + "upstream-rejected";

    private ProblemTypes() {}

    /** The problem type for an answer status. */
    public static String typeFor(int status) {
        return BASE
                + switch (status) {
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

    /** The problem type of a composite answer whose required call failed with an answer of {@code status}. */
    public static String typeForFailedCall(int status) {
        return status < 500 ? UPSTREAM_REJECTED : typeFor(status);
    }

    /** The title: the status's reason phrase (RFC 9110 §15 and its registry), else "Error N". */
    public static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 402 -> "Payment Required";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 407 -> "Proxy Authentication Required";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 411 -> "Length Required";
            case 412 -> "Precondition Failed";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 416 -> "Requested range not satisfiable";
            case 417 -> "Expectation Failed";
            case 418 -> "I'm a teapot";
            case 421 -> "Misdirected Request";
            case 422 -> "Unprocessable Content";
            case 423 -> "Locked";
            case 424 -> "Failed Dependency";
            case 425 -> "Too Early";
            case 426 -> "Upgrade Required";
            case 428 -> "Precondition Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 451 -> "Unavailable For Legal Reasons";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version not supported";
            case 506 -> "Variant Also Negotiates";
            case 507 -> "Insufficient Storage";
            case 508 -> "Loop Detected";
            case 509 -> "Bandwidth Limit Exceeded";
            case 510 -> "Not Extended";
            case 511 -> "Network Authentication Required";
            default -> "Error " + status;
        };
    }
}
