package io.fanout.definition;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
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

/**
 * Binds a generic document tree (maps, lists, strings, numbers, booleans, null) into a {@link ConfigDefinition},
 * collecting every problem on the way. Checks what can be seen in the document alone; templates, call references
 * and cycles are the compiler's.
 */
final class ConfigBinder {

    static final List<String> TOP_KEYS = List.of("upstreams", "endpoints");
    static final List<String> UPSTREAM_KEYS = List.of("kind", "url", "timeout", "connect-timeout", "max-connections",
            "max-response-size", "headers", "username", "password", "pool-size", "bulkhead", "rate-limit", "retry",
            "circuit-breaker", "hedge", "cache", "coalesce", "class");
    static final List<String> ENDPOINT_KEYS = List.of("method", "path", "deadline", "on-failure", "forward-headers",
            "calls");
    static final List<String> CALL_KEYS = List.of("upstream", "method", "path", "query", "headers", "body",
            "required", "select", "timeout", "for-each", "concurrency", "idempotent", "single");

    static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
    static final List<String> RESERVED_PREFIXES = List.of("actuator", "admin", "jobs");
    /** Template sources: a call with one of these names could not be told apart from them in a template. */
    static final List<String> RESERVED_CALL_NAMES = List.of("path", "query", "header", "body", "item");

    /** Hop-by-hop headers (RFC 9110 7.6.1) and framing: they describe one connection, never a call. */
    private static final Set<String> CONNECTION_HEADERS = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "content-length");

    /** Upstream and endpoint names show up in admin URLs and metric tags. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
    /** Call names are template sources: {@code {user.companyId}}, so no dots. */
    private static final Pattern CALL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final Pattern PATH_VARIABLE = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_-]*)}");
    /** RFC 3986 pchar. */
    private static final Pattern PATH_LITERAL = Pattern.compile("(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+");
    /** RFC 7230 token. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    private static final Pattern READ_ONLY_SQL = Pattern.compile("\\s*(?:select|with)\\b.*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    /** A Java class name: dot-separated identifiers ({@code $} for nested classes). */
    private static final Pattern CLASS_NAME =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(?:\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
    private static final Pattern FOR_EACH = Pattern.compile("[^.\\s{}]+(?:\\.[^.\\s{}]+)+");
    private static final Pattern JSON_POINTER = Pattern.compile("(?:/(?:[^~/]|~[01])*)*");

    private static final Duration ONE_MS = Duration.ofMillis(1);
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    private final Problems problems = new Problems();
    /** Every upstream name in the document, with its kind when that could be read (null otherwise). */
    private final Map<String, @Nullable UpstreamKind> upstreamKinds = new LinkedHashMap<>();
    /** {@code GET /users/{}} -> name of the first endpoint with that route. */
    private final Map<String, String> routes = new HashMap<>();

    private ConfigBinder() {
    }

    /** Binds a document; an absent (null) document is the empty config. */
    static ConfigDefinition bind(@Nullable Object document) {
        ConfigBinder binder = new ConfigBinder();
        ConfigDefinition definition = binder.document(document);
        binder.problems.throwIfAny();
        return definition;
    }

    /** Binds as much as can be bound and answers it with every problem, without throwing. */
    static ConfigParser.Bound bindLenient(@Nullable Object document) {
        ConfigBinder binder = new ConfigBinder();
        ConfigDefinition definition = binder.document(document);
        return new ConfigParser.Bound(definition, binder.problems.list());
    }

    private ConfigDefinition document(@Nullable Object document) {
        Map<String, UpstreamDefinition> upstreams = new LinkedHashMap<>();
        Map<String, EndpointDefinition> endpoints = new LinkedHashMap<>();
        if (document instanceof Map<?, ?> map) {
            Section top = Section.of(problems, "", map, TOP_KEYS);
            // all upstreams first: calls are checked against them, wherever they appear in the document
            Section upstreamsSection = namedEntries(top, "upstreams");
            for (Map.Entry<String, @Nullable Object> e : upstreamsSection.entries().entrySet()) {
                Section s = entry(upstreamsSection, e.getKey(), "upstream", NAME, UPSTREAM_KEYS);
                if (s == null) {
                    upstreamKinds.put(e.getKey(), null);
                } else {
                    upstreams.put(e.getKey(), upstream(e.getKey(), s));
                }
            }
            Section endpointsSection = namedEntries(top, "endpoints");
            for (String name : endpointsSection.entries().keySet()) {
                Section s = entry(endpointsSection, name, "endpoint", NAME, ENDPOINT_KEYS);
                if (s != null) {
                    endpoints.put(name, endpoint(name, s));
                }
            }
        } else if (document != null) {
            problems.add("", "expected a map with 'upstreams' and 'endpoints' but the document is "
                    + Problems.describe(document));
        }
        return new ConfigDefinition(upstreams, endpoints);
    }

    /** {@code upstreams:} or {@code endpoints:} with nothing under it is as good as absent: zero of them. */
    private Section namedEntries(Section top, String key) {
        if (top.raw(key) == null) {
            return Section.empty(problems, key);
        }
        Section s = top.section(key, null);
        return s == null ? Section.empty(problems, key) : s;
    }

    private @Nullable Section entry(Section parent, String name, String what, Pattern namePattern,
                                    List<String> allowed) {
        if (!namePattern.matcher(name).matches()) {
            parent.problem(name, "invalid " + what + " name '" + name + "'", namePattern == NAME
                    ? "use letters, digits, '-' and '_', starting with a letter or digit"
                    : "use letters, digits, '-' and '_', starting with a letter or '_'");
        }
        Object value = parent.raw(name);
        if (value instanceof Map<?, ?>) {
            return parent.section(name, allowed);
        }
        parent.wrongType(name, "a map of " + what + " settings", value);
        return null;
    }

    // ---------------------------------------------------------------------------------------------- upstreams

    private UpstreamDefinition upstream(String name, Section s) {
        UpstreamKind kind = kind(s);
        upstreamKinds.put(name, kind);
        String url = null;
        String className = null;
        if (kind == UpstreamKind.JAVA) {
            className = s.requiredString("class");
            if (className != null && !CLASS_NAME.matcher(className).matches()) {
                s.problem("class", "invalid class name '" + className + "'",
                        "the fully qualified name of a class implementing io.fanout.upstream.blocking.BlockingSource");
            }
            if (s.has("url")) {
                s.problem("url", "a java upstream has a class, not a url", "configure the source in its class");
            }
        } else {
            url = s.requiredString("url");
            if (s.has("class")) {
                s.problem("class", "'class' is only for java upstreams", "set kind: java");
            }
        }
        if (url != null && kind != null) {
            checkUrl(s, kind, url);
        }
        onlyFor(s, kind, List.of(UpstreamKind.HTTP), "headers", null);
        onlyFor(s, kind, List.of(UpstreamKind.HTTP), "max-connections", "use pool-size");
        onlyFor(s, kind, List.of(UpstreamKind.JDBC), "username", null);
        onlyFor(s, kind, List.of(UpstreamKind.JDBC), "password", null);
        onlyFor(s, kind, List.of(UpstreamKind.JDBC, UpstreamKind.JAVA), "pool-size", "use max-connections");
        Duration timeout = or(s.duration("timeout", ONE_MS), UpstreamDefinition.DEFAULT_TIMEOUT);
        int poolSize = or(s.integer("pool-size", 1), UpstreamDefinition.DEFAULT_POOL_SIZE);
        BulkheadDefinition bulkhead = PolicyBinder.bulkhead(s);
        if (kind != null && kind.blocking() && bulkhead != null && bulkhead.maxConcurrent() > poolSize) {
            // more permits than threads would queue calls where neither the bulkhead nor a deadline sees them
            s.problem("bulkhead", "max-concurrent of a " + kind.name().toLowerCase(Locale.ROOT)
                    + " upstream cannot exceed its pool-size (" + poolSize + ") but was " + bulkhead.maxConcurrent(),
                    "raise pool-size or lower max-concurrent; without a bulkhead it is pool-size");
        }
        return new UpstreamDefinition(
                name,
                kind == null ? UpstreamKind.HTTP : kind,
                url == null ? "" : url,
                timeout,
                or(s.duration("connect-timeout", ONE_MS), UpstreamDefinition.DEFAULT_CONNECT_TIMEOUT),
                or(s.integer("max-connections", 1), UpstreamDefinition.DEFAULT_MAX_CONNECTIONS),
                or(s.size("max-response-size"), UpstreamDefinition.DEFAULT_MAX_RESPONSE_SIZE),
                headers(s, "headers"),
                s.string("username"),
                s.string("password"),
                poolSize,
                bulkhead,
                PolicyBinder.rateLimit(s),
                PolicyBinder.retry(s),
                PolicyBinder.circuitBreaker(s),
                PolicyBinder.hedge(s),
                PolicyBinder.cache(s),
                or(s.bool("coalesce"), false),
                className);
    }

    private @Nullable UpstreamKind kind(Section s) {
        if (!s.has("kind")) {
            return UpstreamKind.HTTP;
        }
        String kind = s.string("kind");
        if (kind == null) {
            return null;
        }
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "http" -> UpstreamKind.HTTP;
            case "jdbc" -> UpstreamKind.JDBC;
            case "java" -> UpstreamKind.JAVA;
            default -> {
                s.problem("kind", "unknown kind '" + kind + "'", "use http (the default), jdbc or java");
                yield null;
            }
        };
    }

    private static void onlyFor(Section s, @Nullable UpstreamKind kind, List<UpstreamKind> only, String key,
                                @Nullable String hint) {
        if (kind != null && !only.contains(kind) && s.has(key)) {
            s.problem(key, "'" + key + "' is only for " + String.join(" and ", only.stream()
                    .map(k -> k.name().toLowerCase(Locale.ROOT)).toList())
                    + " upstreams, but this one is " + kind.name().toLowerCase(Locale.ROOT), hint);
        }
    }

    private static void checkUrl(Section s, UpstreamKind kind, String url) {
        if (kind == UpstreamKind.JDBC) {
            // ${NAME} is expanded (and checked again) by the compiler
            if (!url.startsWith("jdbc:") && !url.startsWith("${")) {
                s.problem("url", "a jdbc upstream needs a URL starting with 'jdbc:' but was '" + url + "'",
                        "e.g. jdbc:postgresql://localhost:5432/legacy");
            }
            return;
        }
        String problem = httpUrlProblem(url);
        if (problem != null) {
            s.problem("url", "invalid url '" + url + "': " + problem,
                    "an absolute http or https URL: host, optional port and base path, e.g. http://localhost:8080/api");
        }
    }

    /** What makes {@code url} unusable as an HTTP upstream's base, or null when it is fine. */
    static @Nullable String httpUrlProblem(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (url.contains("${")) {
            // ${NAME} is expanded later, by the compiler, which checks the result; check what is visible now
            if (!url.startsWith("${") && !lower.startsWith("http://") && !lower.startsWith("https://")) {
                return "the scheme must be http or https";
            }
            if (url.contains("?") || url.contains("#") || url.contains("@")) {
                return "only host, port and base path are allowed (no query, fragment or user info)";
            }
            return null;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return e.getReason() + " at index " + e.getIndex();
        }
        if (uri.getScheme() == null) {
            return "not an absolute URL";
        }
        if (!lower.startsWith("http:") && !lower.startsWith("https:")) {
            return "the scheme must be http or https";
        }
        if (uri.isOpaque() || uri.getRawAuthority() == null) {
            return "no host";
        }
        if (uri.getRawUserInfo() != null) {
            return "user info is not allowed (send credentials in headers)";
        }
        if (uri.getHost() == null) {
            return "no valid host (letters, digits, '-' and '.')";
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            return "port " + uri.getPort() + " is not between 1 and 65535";
        }
        if (uri.getRawQuery() != null) {
            return "a query is not allowed (query parameters belong to calls)";
        }
        if (uri.getRawFragment() != null) {
            return "a fragment is not allowed";
        }
        return null;
    }

    /** Static header maps of upstreams and calls: names are tokens, values single-line (templates allowed). */
    private Map<String, String> headers(Section parent, String key) {
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
                s.problem(name, "invalid header name '" + name + "'",
                        "a header name is letters, digits and !#$%&'*+-.^_`|~ only");
            } else if (CONNECTION_HEADERS.contains(lower)) {
                s.problem(name, "header '" + name + "' cannot be set",
                        "hop-by-hop headers and Content-Length are managed by Fanout per connection");
            } else if (seen.containsKey(lower)) {
                s.problem(name, "header '" + name + "' is given twice (also as '" + seen.get(lower) + "')",
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

    private static boolean hasLineBreakOrNul(String value) {
        return value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0;
    }

    /** A template string; whole numbers and booleans are taken as written ({@code limit: 10}). */
    private static @Nullable String templateValue(Section s, String key) {
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

    // ---------------------------------------------------------------------------------------------- endpoints

    private EndpointDefinition endpoint(String name, Section s) {
        String method = method(s);
        String path = s.requiredString("path");
        String route = path == null ? null : route(s, path);
        if (method != null && route != null) {
            String first = routes.putIfAbsent(method + " " + route, name);
            if (first != null) {
                s.problem("path", "duplicate route " + method + " " + path + ": endpoint '" + first
                        + "' has the same method and path", "path variable names do not make routes different");
            }
        }
        return new EndpointDefinition(
                name,
                or(method, Defaults.METHOD),
                or(path, "/"),
                or(s.duration("deadline", ONE_MS), EndpointDefinition.DEFAULT_DEADLINE),
                onFailure(s),
                forwardHeaders(s),
                calls(s));
    }

    private static @Nullable String method(Section s) {
        if (!s.has("method")) {
            return Defaults.METHOD;
        }
        String method = s.string("method");
        if (method == null) {
            return null;
        }
        String upper = method.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(upper)) {
            s.problem("method", "unsupported method '" + method + "'", "use one of " + String.join(", ", METHODS));
            return null;
        }
        return upper;
    }

    /**
     * Checks an endpoint path and answers its route key, with variables normalised ({@code /users/{}}), or null
     * when the path is invalid.
     */
    private static @Nullable String route(Section s, String path) {
        if (!path.startsWith("/")) {
            s.problem("path", "must start with '/' but was '" + path + "'");
            return null;
        }
        if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
            s.problem("path", "must not contain '?' or '#' but was '" + path + "'",
                    "query parameters need no declaration: read them with {query.name}");
            return null;
        }
        if (path.equals("/")) {
            return path;
        }
        String[] segments = path.substring(1).split("/", -1);
        String first = segments[0].toLowerCase(Locale.ROOT);
        if (RESERVED_PREFIXES.contains(first)) {
            s.problem("path", "path '" + path + "' is under the reserved prefix '/" + segments[0] + "'",
                    "/actuator, /admin and /jobs belong to Fanout itself");
            return null;
        }
        StringBuilder route = new StringBuilder();
        Set<String> variables = new HashSet<>();
        for (String segment : segments) {
            var variable = PATH_VARIABLE.matcher(segment);
            if (segment.isEmpty()) {
                s.problem("path", "empty segment in '" + path + "'", "remove the doubled or trailing '/'");
                return null;
            } else if (variable.matches()) {
                if (!variables.add(variable.group(1))) {
                    s.problem("path", "duplicate path variable '" + variable.group(1) + "' in '" + path + "'");
                    return null;
                }
                route.append("/{}");
            } else if (segment.indexOf('{') >= 0 || segment.indexOf('}') >= 0) {
                s.problem("path", "invalid variable segment '" + segment + "' in '" + path + "'",
                        "a variable is a whole segment named with letters, digits, '_' and '-', e.g. /users/{id}");
                return null;
            } else if (segment.equals(".") || segment.equals("..")) {
                s.problem("path", "segment '" + segment + "' is not allowed in '" + path + "'");
                return null;
            } else if (!PATH_LITERAL.matcher(segment).matches()) {
                s.problem("path", "invalid character in segment '" + segment + "' of '" + path + "'",
                        "use letters, digits and -._~!$&'()*+,;=:@, or percent-encode");
                return null;
            } else {
                route.append('/').append(segment);
            }
        }
        return route.toString();
    }

    private static OnFailure onFailure(Section s) {
        String value = s.string("on-failure");
        if (value == null) {
            return OnFailure.PARTIAL;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "partial" -> OnFailure.PARTIAL;
            case "fail-fast" -> OnFailure.FAIL_FAST;
            default -> {
                s.problem("on-failure", "unknown on-failure '" + value + "'", "use partial (the default) or fail-fast");
                yield OnFailure.PARTIAL;
            }
        };
    }

    private List<String> forwardHeaders(Section s) {
        List<?> list = s.list("forward-headers");
        if (list == null) {
            return List.of();
        }
        List<String> headers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String location = Problems.at(s.at("forward-headers"), i);
            if (!(list.get(i) instanceof String name)) {
                problems.add(location, "expected a header name but was " + Problems.describe(list.get(i)));
                continue;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (!HEADER_NAME.matcher(name).matches()) {
                problems.add(location, "invalid header name '" + name + "'",
                        "a header name is letters, digits and !#$%&'*+-.^_`|~ only");
            } else if (CONNECTION_HEADERS.contains(lower) || lower.equals("host")) {
                problems.add(location, "header '" + name + "' is never forwarded",
                        "hop-by-hop headers, Host and Content-Length describe the client's connection, not the call");
            } else if (!seen.add(lower)) {
                problems.add(location, "header '" + name + "' is listed twice", "header names are case-insensitive");
            } else {
                headers.add(name);
            }
        }
        return headers;
    }

    // -------------------------------------------------------------------------------------------------- calls

    private Map<String, CallDefinition> calls(Section endpoint) {
        if (!endpoint.has("calls")) {
            endpoint.problem("calls", "required key 'calls' is missing", "an endpoint needs at least one call");
            return Map.of();
        }
        Section calls = endpoint.section("calls", null);
        if (calls == null) {
            return Map.of();
        }
        if (calls.entries().isEmpty()) {
            endpoint.problem("calls", "an endpoint needs at least one call");
        }
        Map<String, CallDefinition> result = new LinkedHashMap<>();
        for (String name : calls.entries().keySet()) {
            if (RESERVED_CALL_NAMES.contains(name)) {
                calls.problem(name, "call name '" + name + "' is reserved",
                        "path, query, header, body and item are template sources; rename the call");
            }
            Section s = entry(calls, name, "call", CALL_NAME, CALL_KEYS);
            if (s != null) {
                result.put(name, call(name, s));
            }
        }
        return result;
    }

    private CallDefinition call(String name, Section s) {
        String upstream = s.requiredString("upstream");
        UpstreamKind kind = null;
        if (upstream != null) {
            if (upstreamKinds.containsKey(upstream)) {
                kind = upstreamKinds.get(upstream);
            } else {
                s.problem("upstream", "unknown upstream '" + upstream + "'",
                        Suggestions.hint(upstream, upstreamKinds.keySet(), "known"));
            }
        }
        String method = method(s);
        String path = s.string("path");
        if (path != null) {
            checkCallPath(s, path);
        }
        // `query` is a map of query parameters for HTTP, the SQL text for jdbc: told apart by its type
        Object query = s.raw("query");
        String sql = null;
        Map<String, String> queryParameters = Map.of();
        if (query instanceof String str) {
            sql = str;
            checkSql(s, sql);
        } else if (query instanceof Map<?, ?>) {
            queryParameters = queryParameters(s);
        } else if (s.has("query")) {
            s.wrongType("query", "a map of query parameters (http) or a SQL string (jdbc)", query);
        }
        checkKindSpecificKeys(s, upstream, kind, method, sql);
        Object body = s.has("body") ? json(s.at("body"), s.raw("body")) : null;
        if (s.has("body") && ("GET".equals(method) || "HEAD".equals(method)) && kind != UpstreamKind.JDBC) {
            s.problem("body", "a " + method + " call sends no body", "set method: POST, PUT or PATCH");
        }
        String select = s.string("select");
        if (select != null && !JSON_POINTER.matcher(select).matches()) {
            s.problem("select", "invalid JSON Pointer '" + select + "'",
                    "empty for the whole body, or /-separated like /items/0; write ~ as ~0 and / as ~1");
        }
        String forEach = s.string("for-each");
        if (forEach != null && !FOR_EACH.matcher(forEach).matches()) {
            s.problem("for-each", "invalid for-each '" + forEach + "'",
                    "name a call and the array in its answer, e.g. orders.items");
        }
        if (s.has("concurrency") && !s.has("for-each")) {
            s.problem("concurrency", "'concurrency' only applies to a call with for-each");
        }
        return new CallDefinition(
                name,
                or(upstream, ""),
                or(method, Defaults.METHOD),
                path,
                queryParameters,
                headers(s, "headers"),
                body,
                or(s.bool("required"), true),
                select,
                s.duration("timeout", ONE_MS),
                forEach,
                or(s.integer("concurrency", 1), CallDefinition.DEFAULT_CONCURRENCY),
                or(s.bool("idempotent"), false),
                sql,
                or(s.bool("single"), false));
    }

    private void checkKindSpecificKeys(Section s, @Nullable String upstream, @Nullable UpstreamKind kind,
                                       @Nullable String method, @Nullable String sql) {
        if (kind == UpstreamKind.JDBC) {
            if (s.has("path")) {
                s.problem("path", "a call to jdbc upstream '" + upstream + "' has a SQL query, not a path",
                        "write query: \"select ... where id = {path.id}\"");
            }
            if (s.raw("query") instanceof Map<?, ?>) {
                s.problem("query", "a call to jdbc upstream '" + upstream + "' needs a SQL string in query, not a map",
                        "templates inside the SQL become bound parameters");
            } else if (!s.has("query")) {
                s.problem("query", "required key 'query' is missing",
                        "a call to jdbc upstream '" + upstream + "' reads with a SQL query");
            }
            for (String key : List.of("headers", "body")) {
                if (s.has(key)) {
                    s.problem(key, "'" + key + "' is only for calls to http upstreams, but '" + upstream
                            + "' is jdbc");
                }
            }
            if (s.has("method") && method != null && !method.equals("GET")) {
                s.problem("method", "a call to jdbc upstream '" + upstream + "' only reads: method must be GET but was "
                        + s.raw("method"));
            }
        } else if (kind == UpstreamKind.HTTP || kind == UpstreamKind.JAVA) {
            String k = kind.name().toLowerCase(Locale.ROOT);
            if (sql != null) {
                s.problem("query", "a SQL query needs a jdbc upstream, but '" + upstream + "' is " + k,
                        "for query parameters, write a map: query: { name: value }");
            }
            if (!s.has("path")) {
                s.missing("path");
            }
            if (s.has("single")) {
                s.problem("single", "'single' is only for calls to jdbc upstreams, but '" + upstream + "' is " + k);
            }
        } else if (s.has("path") && sql != null) {
            s.problem("path", "give either a path (http) or a SQL query (jdbc), not both");
        } else if (!s.has("path") && !s.has("query")) {
            s.problem("path", "a call needs a path (http upstream) or a SQL query (jdbc upstream)");
        }
    }

    /** Call paths are templates: a '?' or '#' inside {...} (a default value) is the template's business. */
    private static void checkCallPath(Section s, String path) {
        if (!path.startsWith("/")) {
            s.problem("path", "must start with '/' but was '" + path + "'",
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
                s.problem("path", "must not contain '" + c + "' but was '" + path + "'",
                        "put query parameters in query: { name: value }");
                return;
            }
        }
    }

    private static void checkSql(Section s, String sql) {
        if (!READ_ONLY_SQL.matcher(sql).matches()) {
            s.problem("query", "only read-only queries are allowed, but '" + abbreviate(sql)
                    + "' does not start with select or with");
            return;
        }
        String statement = sql.strip();
        if (statement.endsWith(";")) {
            statement = statement.substring(0, statement.length() - 1);
        }
        if (statement.indexOf(';') >= 0) {
            s.problem("query", "only one statement is allowed, but '" + abbreviate(sql) + "' has several",
                    "remove the ';' between statements");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private Map<String, String> queryParameters(Section s) {
        Section query = s.section("query", null);
        if (query == null) {
            return Map.of();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String name : query.entries().keySet()) {
            String value = templateValue(query, name);
            if (name.isEmpty()) {
                query.problem(name, "a query parameter needs a name");
            } else if (value != null) {
                parameters.put(name, value);
            }
        }
        return parameters;
    }

    /** A JSON value as an immutable copy; reports what JSON cannot hold (non-string keys, NaN, YAML-only types). */
    private @Nullable Object json(String location, @Nullable Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || Section.isWholeNumber(value)
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
                    copy.put(key, json(Problems.at(location, key), e.getValue()));
                } else {
                    problems.add(Problems.at(location, String.valueOf(e.getKey())),
                            "key " + e.getKey() + " is not a string", "quote it");
                }
            }
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<@Nullable Object> copy = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                copy.add(json(Problems.at(location, i), list.get(i)));
            }
            return Collections.unmodifiableList(copy);
        }
        problems.add(location, "expected a JSON value but was " + Problems.describe(value));
        return null;
    }

    static <T> T or(@Nullable T value, T otherwise) {
        return value != null ? value : otherwise;
    }
}
