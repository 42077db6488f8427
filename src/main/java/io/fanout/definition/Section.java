package io.fanout.definition;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One map of the document being bound, at a known location, read through its key table. Typed getters report a
 * problem and answer null when a value is missing or wrong, so that binding carries on and finds every other
 * problem too.
 */
final class Section {

    private final ProblemCollector problems;
    private final String location;
    private final Map<String, @Nullable Object> values;

    private Section(ProblemCollector problems, String location, Map<String, @Nullable Object> values) {
        this.problems = problems;
        this.location = location;
        this.values = values;
    }

    /**
     * Reads a map, reporting keys that are not strings and, unless {@code table} is null (a map of names), keys
     * that are not in the table (with a suggestion).
     */
    static Section of(ProblemCollector problems, String location, Map<?, ?> map, @Nullable ConfigSection table) {
        Map<String, @Nullable Object> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                problems.add(
                        ProblemCollector.at(location, String.valueOf(e.getKey())),
                        "key " + e.getKey() + " is not a string",
                        "quote it: '" + e.getKey() + "'");
                continue;
            }
            if (table != null && !table.names().contains(key)) {
                problems.add(
                        ProblemCollector.at(location, key),
                        "unknown key '" + key + "'",
                        Suggestions.hint(key, table.names(), "allowed"));
                continue;
            }
            values.put(key, e.getValue());
        }
        return new Section(problems, location, Collections.unmodifiableMap(values));
    }

    static Section empty(ProblemCollector problems, String location) {
        return new Section(problems, location, Map.of());
    }

    String location() {
        return location;
    }

    ProblemCollector problems() {
        return problems;
    }

    String at(String key) {
        return ProblemCollector.at(location, key);
    }

    String at(ConfigKey key) {
        return at(key.key());
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    boolean has(ConfigKey key) {
        return has(key.key());
    }

    @Nullable
    Object raw(String key) {
        return values.get(key);
    }

    @Nullable
    Object raw(ConfigKey key) {
        return raw(key.key());
    }

    /** The entries with string keys, in document order. */
    Map<String, @Nullable Object> entries() {
        return values;
    }

    void problem(String key, String message, @Nullable String hint) {
        problems.add(at(key), message, hint);
    }

    void problem(String key, String message) {
        problems.add(at(key), message, null);
    }

    void problem(ConfigKey key, String message, @Nullable String hint) {
        problem(key.key(), message, hint);
    }

    void problem(ConfigKey key, String message) {
        problem(key.key(), message, null);
    }

    /** Whether something at or below {@code key} was reported; checks that depend on it are skipped. */
    boolean reported(ConfigKey key) {
        return problems.reportedAt(at(key));
    }

    @Nullable
    String string(String key) {
        if (!has(key)) {
            return null;
        }
        Object v = raw(key);
        if (v instanceof String s) {
            return s;
        }
        wrongType(key, "a string", v);
        return null;
    }

    @Nullable
    String string(ConfigKey key) {
        return string(key.key());
    }

    @Nullable
    String requiredString(ConfigKey key) {
        if (!has(key)) {
            missing(key.key());
            return null;
        }
        return string(key);
    }

    @Nullable
    Boolean bool(ConfigKey key) {
        if (!has(key)) {
            return null;
        }
        if (raw(key) instanceof Boolean b) {
            return b;
        }
        wrongType(key.key(), "true or false", raw(key));
        return null;
    }

    /** A whole number of at least the key's minimum. */
    @Nullable
    Integer integer(ConfigKey key) {
        if (!has(key)) {
            return null;
        }
        Object v = raw(key);
        if (!isWholeNumber(v)) {
            wrongType(key.key(), "a whole number", v);
            return null;
        }
        BigInteger n = new BigInteger(v.toString());
        String minimum = key.minimum();
        int min = minimum == null ? Integer.MIN_VALUE : Integer.parseInt(minimum);
        if (n.compareTo(BigInteger.valueOf(min)) < 0) {
            problem(key, "must be at least " + min + " but was " + n);
            return null;
        }
        if (n.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
            problem(key, "must be at most " + Integer.MAX_VALUE + " but was " + n);
            return null;
        }
        return n.intValue();
    }

    /** A duration of at least the key's minimum (zero, or one millisecond where zero makes no sense). */
    @Nullable
    Duration duration(ConfigKey key) {
        Duration d = notation(key, "a duration (e.g. 250ms, 2s, 5m)", ConfigValues::parseDuration);
        String minimum = key.minimum();
        Duration min = minimum == null ? Duration.ZERO : ConfigValues.parseDuration(minimum);
        if (d != null && d.compareTo(min) < 0) {
            problem(key, "must be at least " + ConfigValues.formatDuration(min) + " but was " + raw(key));
            return null;
        }
        return d;
    }

    @Nullable
    Duration requiredDuration(ConfigKey key) {
        if (!has(key)) {
            missing(key.key());
            return null;
        }
        return duration(key);
    }

    /** A size of at least one byte. */
    @Nullable
    Long size(ConfigKey key) {
        Long bytes = notation(key, "a size (e.g. 512KB, 2MB)", ConfigValues::parseSize);
        if (bytes != null && bytes < 1) {
            problem(key, "must be more than 0B but was " + raw(key));
            return null;
        }
        return bytes;
    }

    @Nullable
    Rate requiredRate(ConfigKey key) {
        if (!has(key)) {
            missing(key.key());
            return null;
        }
        return notation(key, "a rate (e.g. 500/s, 30/m)", ConfigValues::parseRate);
    }

    /** A ratio between 0% and 100%; more than 0% when the key has a minimum (0% would switch it off silently). */
    @Nullable
    Double ratio(ConfigKey key) {
        Double r = notation(key, "a percentage (e.g. 20%)", ConfigValues::parseRatio);
        if (r != null && key.minimum() != null && r == 0) {
            problem(key, "must be more than 0% but was " + raw(key));
            return null;
        }
        return r;
    }

    /** A nested map read through {@code table}, or a map of names when it is null; null when it is not a map. */
    @Nullable
    Section section(String key, @Nullable ConfigSection table) {
        if (!has(key)) {
            return null;
        }
        Object v = raw(key);
        if (v instanceof Map<?, ?> map) {
            return of(problems, at(key), map, table);
        }
        wrongType(key, "a map", v);
        return null;
    }

    @Nullable
    Section section(ConfigKey key, @Nullable ConfigSection table) {
        return section(key.key(), table);
    }

    @Nullable
    List<?> list(ConfigKey key) {
        if (!has(key)) {
            return null;
        }
        Object v = raw(key);
        if (v instanceof List<?> list) {
            return list;
        }
        wrongType(key.key(), "a list", v);
        return null;
    }

    void missing(String key) {
        problem(key, "required key '" + key + "' is missing");
    }

    void missing(ConfigKey key) {
        missing(key.key());
    }

    void wrongType(String key, String expected, @Nullable Object value) {
        problem(key, "expected " + expected + " but was " + ProblemCollector.describe(value));
    }

    /** Whole numbers as a YAML or JSON loader gives them (never 3.0). */
    static boolean isWholeNumber(@Nullable Object v) {
        return v instanceof Integer
                || v instanceof Long
                || v instanceof Short
                || v instanceof Byte
                || v instanceof BigInteger;
    }

    private <T> @Nullable T notation(ConfigKey key, String expected, Function<String, T> parser) {
        if (!has(key)) {
            return null;
        }
        Object v = raw(key);
        // a number without a unit gets the parser's own "add a unit" hint
        if (!(v instanceof String) && !(v instanceof Number)) {
            wrongType(key.key(), expected, v);
            return null;
        }
        try {
            return parser.apply(v.toString());
        } catch (InvalidValueException e) {
            problem(key, e.problem(), e.hint());
            return null;
        }
    }
}
