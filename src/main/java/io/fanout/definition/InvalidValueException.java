package io.fanout.definition;

import org.jspecify.annotations.Nullable;

/** A config value that does not follow its notation, e.g. {@code invalid duration '5 seconds'}. */
public final class InvalidValueException extends IllegalArgumentException {

    private final String problem;
    private final @Nullable String hint;

    public InvalidValueException(String problem, @Nullable String hint) {
        super(hint == null ? problem : problem + " (" + hint + ")");
        this.problem = problem;
        this.hint = hint;
    }

    /** What is wrong, naming the bad value. */
    public String problem() {
        return problem;
    }

    /** How to write it instead, or null. */
    public @Nullable String hint() {
        return hint;
    }
}
