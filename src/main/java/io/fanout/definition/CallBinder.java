package io.fanout.definition;

import static io.fanout.definition.UpstreamBinder.or;

import io.fanout.definition.Keys.Call;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Binds one {@code endpoints.<name>.calls.<call>} section: keys, notations (path, JSON Pointer, for-each) and keys
 * that only make sense together. Whether its upstream exists, which keys that upstream's kind allows, its
 * templates' references and its SQL are the compiler's.
 */
final class CallBinder {

    private static final Pattern FOR_EACH = Pattern.compile("[^.\\s{}]+(?:\\.[^.\\s{}]+)+");
    private static final Pattern JSON_POINTER = Pattern.compile("(?:/(?:[^~/]|~[01])*)*");

    private CallBinder() {}

    static CallDefinition bind(String name, Section s) {
        String upstream = s.requiredString(Call.UPSTREAM);
        String method = Shapes.method(s, Call.METHOD);
        String path = s.string(Call.PATH);
        if (path != null) {
            checkPath(s, path);
        }
        // `query` is a map of query parameters for HTTP, the SQL text for jdbc: told apart by its type
        Object query = s.raw(Call.QUERY);
        String sql = null;
        Map<String, String> queryParameters = Map.of();
        if (query instanceof String str) {
            sql = str;
        } else if (query instanceof Map<?, ?>) {
            queryParameters = queryParameters(s);
        } else if (s.has(Call.QUERY)) {
            s.wrongType(Call.QUERY.key(), "a map of query parameters (http) or a SQL string (jdbc)", query);
        }
        Object body = s.has(Call.BODY) ? Shapes.json(s.problems(), s.at(Call.BODY), s.raw(Call.BODY)) : null;
        String select = s.string(Call.SELECT);
        if (select != null && !JSON_POINTER.matcher(select).matches()) {
            s.problem(
                    Call.SELECT,
                    "invalid JSON Pointer '" + select + "'",
                    "empty for the whole body, or /-separated like /items/0; write ~ as ~0 and / as ~1");
        }
        String forEach = s.string(Call.FOR_EACH);
        if (forEach != null && !FOR_EACH.matcher(forEach).matches()) {
            s.problem(
                    Call.FOR_EACH,
                    "invalid for-each '" + forEach + "'",
                    "name a call and the array in its answer, e.g. orders.items");
        }
        for (Call onlyWithForEach : new Call[] {Call.CONCURRENCY, Call.MAX_ITEMS}) {
            if (s.has(onlyWithForEach) && !s.has(Call.FOR_EACH)) {
                s.problem(onlyWithForEach, "'" + onlyWithForEach.key() + "' only applies to a call with for-each");
            }
        }
        return new CallDefinition(
                name,
                or(upstream, ""),
                or(method, Defaults.METHOD),
                path,
                queryParameters,
                Shapes.headers(s, Call.HEADERS),
                body,
                or(s.bool(Call.REQUIRED_CALL), true),
                select,
                s.duration(Call.TIMEOUT),
                forEach,
                or(s.integer(Call.CONCURRENCY), CallDefinition.DEFAULT_CONCURRENCY),
                or(s.integer(Call.MAX_ITEMS), CallDefinition.DEFAULT_MAX_ITEMS),
                or(s.bool(Call.IDEMPOTENT), false),
                sql,
                or(s.bool(Call.SINGLE), false));
    }

    /** Call paths are templates: a '?' or '#' inside {...} (a default value) is the template's business. */
    private static void checkPath(Section s, String path) {
        if (!path.startsWith("/")) {
            s.problem(
                    Call.PATH,
                    "must start with '/' but was '" + path + "'",
                    "the path is appended to the upstream's url");
            return;
        }
        int depth = 0;
        for (char c : path.toCharArray()) {
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth = Math.max(0, depth - 1);
            } else if (depth == 0 && (c == '?' || c == '#')) {
                s.problem(
                        Call.PATH,
                        "must not contain '" + c + "' but was '" + path + "'",
                        "put query parameters in query: { name: value }");
                return;
            }
        }
    }

    private static Map<String, String> queryParameters(Section s) {
        Section query = s.section(Call.QUERY, null);
        if (query == null) {
            return Map.of();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String name : query.entries().keySet()) {
            String value = Shapes.templateValue(query, name);
            if (name.isEmpty()) {
                query.problem(name, "a query parameter needs a name");
            } else if (value != null) {
                parameters.put(name, value);
            }
        }
        return parameters;
    }
}
