package io.fanout.definition;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Value shapes that more than one section has: header maps and lists, template strings, JSON values. */
final class Shapes {

    /** Hop-by-hop headers (RFC 9110 7.6.1) and framing: they describe one connection, never a call. */
    private static final Set<String> CONNECTION_HEADERS = Set.of(
            "connection",
            "keep-alive",
            "proxy-authenticate",
            "proxy-authorization",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "content-length");
    /** RFC 7230 token. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

    private static final String HEADER_NAME_HINT = "a header name is letters, digits and !#$%&'*+-.^_`|~ only";

    private Shapes() {}

    /** Static header maps of upstreams and calls: names are tokens, values single-line (templates allowed). */
    static Map<String, String> headers(Section parent, ConfigKey key) {
        Section s = parent.section(key, null);
        if (s == null) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> seen = new HashMap<>();
        for (String name : s.entries().keySet()) {
            String lower = name.toLowerCase(Locale.ROOT);
            String value = templateValue(s, name);
            if (!HEADER_NAME.matcher(name).matches()) {
                s.problem(name, "invalid header name '" + name + "'", HEADER_NAME_HINT);
            } else if (CONNECTION_HEADERS.contains(lower)) {
                s.problem(
                        name,
                        "header '" + name + "' cannot be set",
                        "hop-by-hop headers and Content-Length are managed by Fanout per connection");
            } else if (seen.containsKey(lower)) {
                s.problem(
                        name,
                        "header '" + name + "' is given twice (also as '" + seen.get(lower) + "')",
                        "header names are case-insensitive");
            } else if (value != null && hasLineBreakOrNul(value)) {
                s.problem(name, "header value must not contain CR, LF or NUL");
            } else if (value != null) {
                headers.put(name, value);
            }
            seen.putIfAbsent(lower, name);
        }
        return headers;
    }

    /** A list of client header names to forward: tokens, never connection headers or Host, each once. */
    static List<String> forwardHeaders(Section s, ConfigKey key) {
        List<?> list = s.list(key);
        if (list == null) {
            return List.of();
        }
        List<String> headers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String location = ProblemCollector.at(s.at(key), i);
            if (!(list.get(i) instanceof String name)) {
                s.problems().add(location, "expected a header name but was " + ProblemCollector.describe(list.get(i)));
                continue;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (!HEADER_NAME.matcher(name).matches()) {
                s.problems().add(location, "invalid header name '" + name + "'", HEADER_NAME_HINT);
            } else if (CONNECTION_HEADERS.contains(lower) || lower.equals("host")) {
                s.problems()
                        .add(
                                location,
                                "header '" + name + "' is never forwarded",
                                "hop-by-hop headers, Host and Content-Length describe the client's connection, not the call");
            } else if (!seen.add(lower)) {
                s.problems()
                        .add(location, "header '" + name + "' is listed twice", "header names are case-insensitive");
            } else {
                headers.add(name);
            }
        }
        return headers;
    }

    private static boolean hasLineBreakOrNul(String value) {
        return value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0;
    }

    /** A template string; whole numbers and booleans are taken as written ({@code limit: 10}). */
    static @Nullable String templateValue(Section s, String key) {
        Object v = s.raw(key);
        if (v instanceof String str) {
            return str;
        }
        if (Section.isWholeNumber(v) || v instanceof Boolean) {
            return v.toString();
        }
        s.wrongType(key, "a string", v);
        return null;
    }

    /** A JSON value as an immutable copy; reports what JSON cannot hold (non-string keys, NaN, YAML-only types). */
    static @Nullable Object json(ProblemCollector problems, String location, @Nullable Object value) {
        if (value == null
                || value instanceof String
                || value instanceof Boolean
                || Section.isWholeNumber(value)
                || value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                problems.add(location, "expected a JSON value but was " + value);
                return null;
            }
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, @Nullable Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getKey() instanceof String key) {
                    copy.put(key, json(problems, ProblemCollector.at(location, key), e.getValue()));
                } else {
                    problems.add(
                            ProblemCollector.at(location, String.valueOf(e.getKey())),
                            "key " + e.getKey() + " is not a string",
                            "quote it");
                }
            }
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<@Nullable Object> copy = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                copy.add(json(problems, ProblemCollector.at(location, i), list.get(i)));
            }
            return Collections.unmodifiableList(copy);
        }
        problems.add(location, "expected a JSON value but was " + ProblemCollector.describe(value));
        return null;
    }

    /** The upper-case method of an endpoint or call, the default when absent, null (reported) when unsupported. */
    static @Nullable String method(Section s, ConfigKey key) {
        if (!s.has(key)) {
            return Defaults.METHOD;
        }
        String method = s.string(key);
        if (method == null) {
            return null;
        }
        String upper = method.toUpperCase(Locale.ROOT);
        if (!Keys.METHODS.contains(upper)) {
            s.problem(key, "unsupported method '" + method + "'", "use one of " + String.join(", ", Keys.METHODS));
            return null;
        }
        return upper;
    }
}
