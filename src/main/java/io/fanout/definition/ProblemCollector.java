package io.fanout.definition;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Collects the binder's problems as it walks the document, so that one pass reports all of them. */
final class ProblemCollector {

    private final List<ConfigProblem> problems = new ArrayList<>();

    void add(String location, String message, @Nullable String hint) {
        problems.add(new ConfigProblem(location, message, hint));
    }

    void add(String location, String message) {
        add(location, message, null);
    }

    /** Whether something at or below {@code location} was reported; checks that depend on it are skipped. */
    boolean reportedAt(String location) {
        for (ConfigProblem p : problems) {
            if (within(p.location(), location)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code location} is {@code outer} or a location inside it. */
    static boolean within(String location, String outer) {
        return location.equals(outer)
                || outer.isEmpty()
                || location.startsWith(outer)
                        && (location.charAt(outer.length()) == '.' || location.charAt(outer.length()) == '[');
    }

    List<ConfigProblem> list() {
        return List.copyOf(problems);
    }

    static String at(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String at(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** Names a value in a message: {@code the string 'x'}, {@code the number 3}, {@code a list}. */
    static String describe(@Nullable Object value) {
        if (value == null) {
            return "empty (null)";
        }
        if (value instanceof String s) {
            return "the string '" + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + "'";
        }
        if (value instanceof Boolean || value instanceof Number) {
            return (value instanceof Number ? "the number " : "") + value;
        }
        if (value instanceof java.util.Map) {
            return "a map";
        }
        if (value instanceof java.util.List) {
            return "a list";
        }
        return "a " + value.getClass().getSimpleName();
    }
}
