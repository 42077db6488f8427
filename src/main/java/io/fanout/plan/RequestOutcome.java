package io.fanout.plan;

/** How a composite request ended, as its timer's {@code outcome} tag says. */
public enum RequestOutcome {
    /** Every call succeeded. */
    OK("ok"),
    /** A 200 answer with errors. */
    PARTIAL("partial"),
    /** A problem answer (a required call failed). */
    FAILED("failed"),
    /** The client went away before the answer was complete. */
    CANCELLED("cancelled");

    private final String tag;

    RequestOutcome(String tag) {
        this.tag = tag;
    }

    /** The metric tag value. */
    public String tag() {
        return tag;
    }

    /** The outcome of an answer that is a problem ({@code failed}) or carries errors ({@code partial}). */
    public static RequestOutcome of(boolean failed, boolean partial) {
        return failed ? FAILED : partial ? PARTIAL : OK;
    }
}
