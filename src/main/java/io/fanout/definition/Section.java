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
 * One map of the document being bound, at a known location. Typed getters report a problem and answer null when a
 * value is missing or wrong, so that binding carries on and finds every other problem too.
 */
final class Section {

    private final Problems problems;
    private final String location;
    private final Map<String, @Nullable Object> values;

    private Section(Problems problems, String location, Map<String, @Nullable Object> values) {
        this.problems = problems;
        this.location = location;
        this.values = values;
    }

    /**
     * Reads a map, reporting keys that are not strings and, unless {@code allowed} is null, keys that are not
     * allowed (with a suggestion).
     */
    static Section of(Problems problems, String location, Map<?, ?> map, @Nullable List<String> allowed) {
        Map<String, @Nullable Object> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                problems.add(Problems.at(location, String.valueOf(e.getKey())),
                        "key " + e.getKey() + " is not a string",
                        "quote it: '" + e.getKey() + "'");
                continue;
            }
            if (allowed != null && !allowed.contains(key)) {
                problems.add(Problems.at(location, key), "unknown key '" + key + "'",
                        Suggestions.hint(key, allowed, "allowed"));
                continue;
            }
            values.put(key, e.getValue());
        }
        return new Section(problems, location, Collections.unmodifiableMap(values));
    }

    static Section empty(Problems problems, String location) {
        return new Section(problems, location, Map.of());
    }

    String location() {
        return location;
    }

    Problems problems() {
        return problems;
    }

    String at(String key) {
        return Problems.at(location, key);
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    @Nullable Object raw(String key) {
        return values.get(key);
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

    boolean reported(String key) {
        return problems.reportedAt(at(key));
    }

    @Nullable String string(String key) {
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

    @Nullable String requiredString(String key) {
        if (!has(key)) {
            missing(key);
            return null;
        }
        return string(key);
    }

    @Nullable Boolean bool(String key) {
        if (!has(key)) {
            return null;
        }
        if (raw(key) instanceof Boolean b) {
            return b;
        }
        wrongType(key, "true or false", raw(key));
        return null;
    }

    @Nullable Integer integer(String key, int min) {
        if (!has(key)) {
            return null;
        }
        Object v = raw(key);
        if (!isWholeNumber(v)) {
            wrongType(key, "a whole number", v);
            return null;
        }
        BigInteger n = new BigInteger(v.toString());
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

    /** A duration of at least {@code min} (zero, or one millisecond where zero makes no sense). */
    @Nullable Duration duration(String key, Duration min) {
        Duration d = notation(key, "a duration (e.g. 250ms, 2s, 5m)", ConfigValues::parseDuration);
        if (d != null && d.compareTo(min) < 0) {
            problem(key, "must be at least " + ConfigValues.formatDuration(min) + " but was " + raw(key));
            return null;
        }
        return d;
    }

    @Nullable Duration requiredDuration(String key, Duration min) {
        if (!has(key)) {
            missing(key);
            return null;
        }
        return duration(key, min);
    }

    /** A size of at least one byte. */
    @Nullable Long size(String key) {
        Long bytes = notation(key, "a size (e.g. 512KB, 2MB)", ConfigValues::parseSize);
        if (bytes != null && bytes < 1) {
            problem(key, "must be more than 0B but was " + raw(key));
            return null;
        }
        return bytes;
    }

    @Nullable Rate requiredRate(String key) {
        if (!has(key)) {
            missing(key);
            return null;
        }
        return notation(key, "a rate (e.g. 500/s, 30/m)", ConfigValues::parseRate);
    }

    /** A ratio between 0% and 100%; {@code allowZero} false where 0% would switch the feature off silently. */
    @Nullable Double ratio(String key, boolean allowZero) {
        Double r = notation(key, "a percentage (e.g. 20%)", ConfigValues::parseRatio);
        if (r != null && !allowZero && r == 0) {
            problem(key, "must be more than 0% but was " + raw(key));
            return null;
        }
        return r;
    }

    /** A nested map; null (with a problem) when it is not a map. */
    @Nullable Section section(String key, @Nullable List<String> allowed) {
        if (!has(key)) {
            return null;
        }
        Object v = raw(key);
        if (v instanceof Map<?, ?> map) {
            return of(problems, at(key), map, allowed);
        }
        wrongType(key, "a map", v);
        return null;
    }

    @Nullable List<?> list(String key) {
        if (!has(key)) {
            return null;
        }
        Object v = raw(key);
        if (v instanceof List<?> list) {
            return list;
        }
        wrongType(key, "a list", v);
        return null;
    }

    void missing(String key) {
        problem(key, "required key '" + key + "' is missing");
    }

    void wrongType(String key, String expected, @Nullable Object value) {
        problem(key, "expected " + expected + " but was " + Problems.describe(value));
    }

    /** Whole numbers as a YAML or JSON loader gives them (never 3.0). */
    static boolean isWholeNumber(@Nullable Object v) {
        return v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger;
    }

    private <T> @Nullable T notation(String key, String expected, Function<String, T> parser) {
        if (!has(key)) {
            return null;
        }
        Object v = raw(key);
        // a number without a unit gets the parser's own "add a unit" hint
        if (!(v instanceof String) && !(v instanceof Number)) {
            wrongType(key, expected, v);
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
