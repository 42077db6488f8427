package io.fanout.definition;

import org.jspecify.annotations.Nullable;

/**
 * One validation problem: where ({@code endpoints.user-overview.calls.company.path}), what, and how to fix it.
 *
 * @param location dotted path of the offending key (empty for the document itself)
 * @param message  what is wrong, naming the bad value
 * @param hint     how to fix it, or null
 */
public record ConfigProblem(
        String location, String message, @Nullable String hint) {

    @Override
    public String toString() {
        return (location.isEmpty() ? "" : location + ": ") + message + (hint == null ? "" : " (" + hint + ")");
    }
}
