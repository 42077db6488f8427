package io.fanout.definition;

/** Whether an endpoint asks who is calling (SPEC §8). */
public enum AuthMode {
    /** Public and not metered (the default). */
    NONE,
    /** A credential, when presented, must be valid; anonymous callers are metered by address. */
    OPTIONAL,
    /** A valid credential is required. */
    REQUIRED
}
