package io.fanout.definition;

/** What a failed required call does to the rest of the request. */
public enum OnFailure {
    /** Optional calls may fail; the answer still comes (default). */
    PARTIAL,
    /** The first failed required call cancels everything still running. */
    FAIL_FAST
}
