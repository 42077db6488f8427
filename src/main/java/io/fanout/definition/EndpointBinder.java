package io.fanout.definition;

import static io.fanout.definition.UpstreamBinder.or;

import io.fanout.definition.Keys.Endpoint;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Binds one {@code endpoints.<name>} section and its calls: keys, notations and the route's syntax. Duplicate
 * routes and everything calls refer to are the compiler's.
 */
final class EndpointBinder {

    static final List<String> RESERVED_PREFIXES = List.of("actuator", "admin", "jobs");

    /** Call names are template sources: {@code {user.companyId}}, so no dots. */
    private static final Pattern CALL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private static final Pattern PATH_VARIABLE = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_-]*)}");
    /** RFC 3986 pchar. */
    private static final Pattern PATH_LITERAL = Pattern.compile("(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+");

    private EndpointBinder() {}

    static EndpointDefinition bind(String name, Section s) {
        String method = Shapes.method(s, Endpoint.METHOD);
        String path = s.requiredString(Endpoint.PATH);
        if (path != null) {
            checkRoute(s, path);
        }
        return new EndpointDefinition(
                name,
                or(method, Defaults.METHOD),
                or(path, "/"),
                or(s.duration(Endpoint.DEADLINE), EndpointDefinition.DEFAULT_DEADLINE),
                onFailure(s),
                Shapes.forwardHeaders(s, Endpoint.FORWARD_HEADERS),
                calls(s),
                ClientsBinder.auth(s),
                ClientsBinder.scopes(s));
    }

    /** An endpoint path: literal segments and whole-segment variables, each variable once, outside /admin etc. */
    private static void checkRoute(Section s, String path) {
        if (!path.startsWith("/")) {
            s.problem(Endpoint.PATH, "must start with '/' but was '" + path + "'");
            return;
        }
        if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
            s.problem(
                    Endpoint.PATH,
                    "must not contain '?' or '#' but was '" + path + "'",
                    "query parameters need no declaration: read them with {query.name}");
            return;
        }
        if (path.equals("/")) {
            return;
        }
        String[] segments = path.substring(1).split("/", -1);
        if (RESERVED_PREFIXES.contains(segments[0].toLowerCase(Locale.ROOT))) {
            s.problem(
                    Endpoint.PATH,
                    "path '" + path + "' is under the reserved prefix '/" + segments[0] + "'",
                    "/actuator, /admin and /jobs belong to Fanout itself");
            return;
        }
        String documentation = documentationPrefix(segments);
        if (documentation != null) {
            s.problem(
                    Endpoint.PATH,
                    "path '" + path + "' is under the reserved prefix '" + documentation + "'",
                    "/v3/api-docs, /swagger-ui.html, /swagger-ui and /webjars serve the API documentation");
            return;
        }
        Set<String> variables = new HashSet<>();
        for (String segment : segments) {
            Refusal refusal = refusal(segment, path, variables);
            if (refusal != null) {
                s.problem(Endpoint.PATH, refusal.message(), refusal.hint());
                return;
            }
        }
    }

    /** Where the OpenAPI document and Swagger UI are served (io.fanout.web.CompositeRoutes leaves them alone). */
    private static @Nullable String documentationPrefix(String[] segments) {
        if (segments[0].equals("v3") && segments.length > 1 && segments[1].equals("api-docs")) {
            return "/v3/api-docs";
        }
        return List.of("swagger-ui.html", "swagger-ui", "webjars").contains(segments[0]) ? "/" + segments[0] : null;
    }

    private record Refusal(String message, @Nullable String hint) {}

    private static @Nullable Refusal refusal(String segment, String path, Set<String> variables) {
        var variable = PATH_VARIABLE.matcher(segment);
        if (segment.isEmpty()) {
            return new Refusal("empty segment in '" + path + "'", "remove the doubled or trailing '/'");
        } else if (variable.matches()) {
            return variables.add(variable.group(1))
                    ? null
                    : new Refusal("duplicate path variable '" + variable.group(1) + "' in '" + path + "'", null);
        } else if (segment.indexOf('{') >= 0 || segment.indexOf('}') >= 0) {
            return new Refusal(
                    "invalid variable segment '" + segment + "' in '" + path + "'",
                    "a variable is a whole segment named with letters, digits, '_' and '-', e.g. /users/{id}");
        } else if (segment.equals(".") || segment.equals("..")) {
            return new Refusal("segment '" + segment + "' is not allowed in '" + path + "'", null);
        } else if (!PATH_LITERAL.matcher(segment).matches()) {
            return new Refusal(
                    "invalid character in segment '" + segment + "' of '" + path + "'",
                    "use letters, digits and -._~!$&'()*+,;=:@, or percent-encode");
        }
        return null;
    }

    private static OnFailure onFailure(Section s) {
        String value = s.string(Endpoint.ON_FAILURE);
        if (value == null) {
            return OnFailure.PARTIAL;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "partial" -> OnFailure.PARTIAL;
            case "fail-fast" -> OnFailure.FAIL_FAST;
            default -> {
                s.problem(
                        Endpoint.ON_FAILURE,
                        "unknown on-failure '" + value + "'",
                        "use partial (the default) or fail-fast");
                yield OnFailure.PARTIAL;
            }
        };
    }

    private static Map<String, CallDefinition> calls(Section endpoint) {
        if (!endpoint.has(Endpoint.CALLS)) {
            endpoint.problem(Endpoint.CALLS, "required key 'calls' is missing", "an endpoint needs at least one call");
            return Map.of();
        }
        Section calls = endpoint.section(Endpoint.CALLS, null);
        if (calls == null) {
            return Map.of();
        }
        if (calls.entries().isEmpty()) {
            endpoint.problem(Endpoint.CALLS, "an endpoint needs at least one call");
        }
        Map<String, CallDefinition> result = new LinkedHashMap<>();
        for (String name : calls.entries().keySet()) {
            Section s = ConfigBinder.entry(
                    calls,
                    name,
                    "call",
                    CALL_NAME,
                    ConfigSection.CALL,
                    "use letters, digits, '-' and '_', starting with a letter or '_'");
            if (s != null) {
                result.put(name, CallBinder.bind(name, s));
            }
        }
        return result;
    }
}
