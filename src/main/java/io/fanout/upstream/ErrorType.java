package io.fanout.upstream;

/** The closed set of call error types of SPEC §2, with their wire names. */
public enum ErrorType {
    TIMEOUT("timeout"),
    DEADLINE_EXCEEDED("deadline-exceeded"),
    CONNECT_ERROR("connect-error"),
    UPSTREAM_STATUS("upstream-status"),
    INVALID_RESPONSE("invalid-response"),
    CIRCUIT_OPEN("circuit-open"),
    BULKHEAD_FULL("bulkhead-full"),
    RATE_LIMITED("rate-limited"),
    DEPENDENCY_FAILED("dependency-failed"),
    BAD_TEMPLATE_VALUE("bad-template-value"),
    CANCELLED("cancelled");

    private final String wireName;

    ErrorType(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in JSON ({@code "deadline-exceeded"}). */
    public String wireName() {
        return wireName;
    }

    /** True for the types that mean "try again later" and answer 503 with Retry-After. */
    public boolean isOverload() {
        return this == CIRCUIT_OPEN || this == BULKHEAD_FULL || this == RATE_LIMITED;
    }
}
