package io.fanout.compile;

import io.fanout.definition.CallDefinition;
import io.fanout.definition.ConfigProblem;
import io.fanout.definition.UpstreamKind;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Which keys a call may have, given the kind of the upstream it names: a jdbc call reads with SQL, an http or java
 * call has a path, only http calls send headers and bodies. With an unknown upstream (or kind) only what holds for
 * every kind is checked.
 */
final class CallKeyRules {

    private final CallDefinition def;
    private final String at;
    private final EndpointDraft endpoint;
    private final @Nullable UpstreamKind kind;

    CallKeyRules(CallDefinition def, String at, EndpointDraft endpoint, @Nullable UpstreamKind kind) {
        this.def = def;
        this.at = at;
        this.endpoint = endpoint;
        this.kind = kind;
    }

    void check(List<ConfigProblem> problems) {
        boolean hasPath = has("path");
        boolean queryIsMap = raw("query") instanceof Map<?, ?>;
        String upstream = def.upstream();
        if (kind == UpstreamKind.JDBC) {
            if (hasPath) {
                add(
                        problems,
                        "path",
                        "a call to jdbc upstream '" + upstream + "' has a SQL query, not a path",
                        "write query: \"select ... where id = {path.id}\"");
            }
            if (queryIsMap) {
                add(
                        problems,
                        "query",
                        "a call to jdbc upstream '" + upstream + "' needs a SQL string in query, not a map",
                        "templates inside the SQL become bound parameters");
            } else if (!has("query")) {
                add(
                        problems,
                        "query",
                        "required key 'query' is missing",
                        "a call to jdbc upstream '" + upstream + "' reads with a SQL query");
            }
            for (String key : List.of("headers", "body")) {
                if (has(key)) {
                    add(
                            problems,
                            key,
                            "'" + key + "' is only for calls to http upstreams, but '" + upstream + "' is jdbc",
                            null);
                }
            }
            if (has("method") && !rejected("method") && !def.method().equals("GET")) {
                add(
                        problems,
                        "method",
                        "a call to jdbc upstream '" + upstream + "' only reads: method must be GET but was "
                                + raw("method"),
                        null);
            }
            return;
        }
        if (kind != null) {
            String k = kind.name().toLowerCase(Locale.ROOT);
            if (def.sql() != null) {
                add(
                        problems,
                        "query",
                        "a SQL query needs a jdbc upstream, but '" + upstream + "' is " + k,
                        "for query parameters, write a map: query: { name: value }");
            }
            if (!hasPath) {
                add(problems, "path", "required key 'path' is missing", null);
            }
            if (has("single")) {
                add(
                        problems,
                        "single",
                        "'single' is only for calls to jdbc upstreams, but '" + upstream + "' is " + k,
                        null);
            }
        } else if (hasPath && def.sql() != null) {
            add(problems, "path", "give either a path (http) or a SQL query (jdbc), not both", null);
        } else if (!hasPath && !has("query")) {
            add(problems, "path", "a call needs a path (http upstream) or a SQL query (jdbc upstream)", null);
        }
        if (has("body")
                && !rejected("method")
                && (def.method().equals("GET") || def.method().equals("HEAD"))) {
            add(problems, "body", "a " + def.method() + " call sends no body", "set method: POST, PUT or PATCH");
        }
    }

    private boolean has(String key) {
        return endpoint.bound().has(path(key));
    }

    private @Nullable Object raw(String key) {
        return endpoint.bound().raw(path(key));
    }

    private boolean rejected(String key) {
        return endpoint.bound().rejected(at + "." + key);
    }

    private String[] path(String key) {
        return new String[] {"endpoints", endpoint.definition().name(), "calls", def.name(), key};
    }

    private void add(List<ConfigProblem> problems, String key, String message, @Nullable String hint) {
        problems.add(new ConfigProblem(at + "." + key, message, hint));
    }
}
