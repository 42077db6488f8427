package io.fanout.definition;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/** Collects problems in document order, so that one pass reports all of them. */
final class Problems {

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
            if (p.location().equals(location) || p.location().startsWith(location + ".")
                    || p.location().startsWith(location + "[")) {
                return true;
            }
        }
        return false;
    }

    List<ConfigProblem> list() {
        return List.copyOf(problems);
    }

    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
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
