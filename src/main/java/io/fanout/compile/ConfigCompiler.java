package io.fanout.compile;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

import io.fanout.definition.CallDefinition;
import io.fanout.definition.ConfigDefinition;
import io.fanout.definition.ConfigParser;
import io.fanout.definition.ConfigProblem;
import io.fanout.definition.EndpointDefinition;
import io.fanout.definition.InvalidConfigException;
import io.fanout.definition.UpstreamDefinition;
import io.fanout.definition.UpstreamKind;
import io.fanout.upstream.ErrorType;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.blocking.BlockingSource;
import io.fanout.upstream.blocking.JavaUpstreamClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import tools.jackson.core.JsonPointer;

/**
 * Compiles a {@link ConfigDefinition} into a {@link CompiledConfig}: expands {@code ${ENV}}, parses every template,
 * resolves references to path variables and calls, derives the dependency graph, rejects cycles, and only then
 * builds upstream clients. Every problem is collected before failing, so one run reports them all.
 */
public final class ConfigCompiler {

    /** Template sources that are not call names. */
    static final Set<String> RESERVED_SOURCES = Set.of("path", "query", "header", "body", "item");

    /** Request outcomes, in the order used by {@link OutcomeTimers}. */
    public static final String[] REQUEST_OUTCOMES = {"ok", "partial", "failed", "cancelled"};
    public static final int REQUEST_OK = 0;
    public static final int REQUEST_PARTIAL = 1;
    public static final int REQUEST_FAILED = 2;
    public static final int REQUEST_CANCELLED = 3;

    /** Call outcomes: "success" then the error types in declaration order (index = ordinal + 1). */
    public static final String[] CALL_OUTCOMES;

    static {
        ErrorType[] types = ErrorType.values();
        CALL_OUTCOMES = new String[types.length + 1];
        CALL_OUTCOMES[0] = "success";
        for (ErrorType t : types) {
            CALL_OUTCOMES[t.ordinal() + 1] = t.wireName();
        }
    }

    private final UpstreamClientFactory clients;
    private final MeterRegistry registry;
    private final UnaryOperator<@Nullable String> environment;

    /**
     * @param clients     builds upstream clients (only for configs that passed validation)
     * @param registry    where endpoint and call timers are registered
     * @param environment looks up {@code ${NAME}} values (null when unset)
     */
    public ConfigCompiler(UpstreamClientFactory clients, MeterRegistry registry,
                          UnaryOperator<@Nullable String> environment) {
        this.clients = clients;
        this.registry = registry;
        this.environment = environment;
    }

    /** Validates and compiles; throws {@link InvalidConfigException} listing every problem. */
    public CompiledConfig compile(ConfigDefinition definition, long version) {
        return compile(definition, version, null);
    }

    /**
     * As {@link #compile(ConfigDefinition, long)}, reusing the clients of {@code previous} whose upstream definition
     * (after expansion) did not change, so a reload keeps their pools, circuit state, bulkhead counts and caches.
     */
    public CompiledConfig compile(ConfigDefinition definition, long version, @Nullable CompiledConfig previous) {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, UpstreamDefinition> expanded = new LinkedHashMap<>();
        definition.upstreams().forEach((name, u) -> expanded.put(name, expand(u, problems)));

        List<EndpointDraft> drafts = new ArrayList<>();
        for (EndpointDefinition e : definition.endpoints().values()) {
            drafts.add(new EndpointDraft(e, expanded, problems));
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        Map<String, UpstreamClient> built = new LinkedHashMap<>();
        Map<String, UpstreamClient> created = new LinkedHashMap<>();
        try {
            expanded.forEach((name, u) -> {
                UpstreamClient reused = previous == null || !u.equals(previous.expandedUpstreams().get(name)) ? null
                        : previous.upstreams().get(name);
                if (reused != null) {
                    built.put(name, reused);
                } else {
                    UpstreamClient c = clients.create(u);
                    created.put(name, c);
                    built.put(name, c);
                }
            });
        } catch (RuntimeException ex) {
            created.values().forEach(UpstreamClient::close);
            throw ex;
        }
        List<EndpointPlan> plans = drafts.stream().map(d -> d.build(built)).toList();
        return new CompiledConfig(version, definition, expanded, built, plans, new RouteTable(plans));
    }

    /**
     * Every problem of a bound document in one list: the binder's, then the compiler's (references, cycles,
     * environment) on what could be bound. A compiler problem at a location the binder already reported is left
     * out, since it would only restate it.
     */
    public List<ConfigProblem> problems(ConfigParser.Bound bound) {
        if (bound.problems().isEmpty()) {
            return validate(bound.definition());
        }
        List<ConfigProblem> all = new ArrayList<>(bound.problems());
        List<ConfigProblem> semantic;
        try {
            semantic = validate(bound.definition());
        } catch (RuntimeException e) {
            // a partly bound definition can be too broken to analyse; the binder's problems come first anyway
            return all;
        }
        Set<String> reported = new java.util.HashSet<>();
        bound.problems().forEach(p -> reported.add(p.location()));
        for (ConfigProblem p : semantic) {
            if (reported.stream().noneMatch(r -> p.location().equals(r) || p.location().startsWith(r + "."))) {
                all.add(p);
            }
        }
        return all;
    }

    /** Compiles a bound document, throwing with every problem of {@link #problems(ConfigParser.Bound)}. */
    public CompiledConfig compile(ConfigParser.Bound bound, long version, @Nullable CompiledConfig previous) {
        List<ConfigProblem> all = problems(bound);
        if (!all.isEmpty()) {
            throw new InvalidConfigException(all);
        }
        return compile(bound.definition(), version, previous);
    }

    /** Validates only (no clients are built); answers the problems, empty when the config would compile. */
    public List<ConfigProblem> validate(ConfigDefinition definition) {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, UpstreamDefinition> expanded = new LinkedHashMap<>();
        definition.upstreams().forEach((name, u) -> expanded.put(name, expand(u, problems)));
        for (EndpointDefinition e : definition.endpoints().values()) {
            new EndpointDraft(e, expanded, problems);
        }
        return List.copyOf(problems);
    }

    private UpstreamDefinition expand(UpstreamDefinition u, List<ConfigProblem> problems) {
        String at = "upstreams." + u.name();
        Map<String, String> headers = new LinkedHashMap<>();
        u.headers().forEach((k, v) -> headers.put(k, expandEnv(v, at + ".headers." + k, problems)));
        String url = expandEnv(u.url(), at + ".url", problems);
        String user = u.username() == null ? null : expandEnv(u.username(), at + ".username", problems);
        String pass = u.password() == null ? null : expandEnv(u.password(), at + ".password", problems);
        if (u.kind() == UpstreamKind.HTTP && !url.equals(u.url())) {
            checkHttpUrl(url, at + ".url", problems);
        }
        if (u.kind() == UpstreamKind.JDBC && !url.equals(u.url()) && !url.startsWith("jdbc:")) {
            problems.add(new ConfigProblem(at + ".url", "after expanding the environment, the URL does not start"
                    + " with 'jdbc:'", "the value is not shown: it may hold a secret"));
        }
        if (u.kind() == UpstreamKind.JAVA && u.className() != null) {
            String problem = JavaUpstreamClient.problemWith(u.className());
            if (problem != null) {
                problems.add(new ConfigProblem(at + ".class", problem,
                        "put the jar on the classpath; the class implements " + BlockingSource.class.getName()));
            }
        }
        return new UpstreamDefinition(u.name(), u.kind(), url, u.timeout(), u.connectTimeout(), u.maxConnections(),
                u.maxResponseSize(), headers, user, pass, u.poolSize(), u.bulkhead(), u.rateLimit(), u.retry(),
                u.circuitBreaker(), u.hedge(), u.cache(), u.coalesce(), u.className());
    }

    /** An expanded URL must still be an absolute http(s) URL with a host and nothing but an optional path. */
    private static void checkHttpUrl(String url, String location, List<ConfigProblem> problems) {
        try {
            java.net.URI uri = new java.net.URI(url);
            boolean ok = ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && uri.getRawUserInfo() == null;
            if (!ok) {
                problems.add(new ConfigProblem(location, "after expanding the environment, the URL is not an"
                        + " absolute http(s) URL with only a host, port and base path", "the value is not shown:"
                        + " it may hold a secret"));
            }
        } catch (java.net.URISyntaxException e) {
            problems.add(new ConfigProblem(location, "after expanding the environment, the URL is not valid",
                    "the value is not shown: it may hold a secret"));
        }
    }

    /** Replaces {@code ${NAME}} with the environment's value; an unset variable is a problem. */
    String expandEnv(String value, String location, List<ConfigProblem> problems) {
        int start = value.indexOf("${");
        if (start < 0) {
            return value;
        }
        StringBuilder sb = new StringBuilder();
        int pos = 0;
        while (start >= 0) {
            int end = value.indexOf('}', start);
            if (end < 0) {
                problems.add(new ConfigProblem(location, "unclosed '${' in '" + value + "'", "write ${NAME}"));
                return value;
            }
            String name = value.substring(start + 2, end);
            String resolved = name.isEmpty() ? null : environment.apply(name);
            if (resolved == null) {
                problems.add(new ConfigProblem(location, "environment variable '" + name + "' is not set",
                        "set it before starting Fanout"));
                resolved = "";
            }
            sb.append(value, pos, start).append(resolved);
            pos = end + 1;
            start = value.indexOf("${", pos);
        }
        return sb.append(value.substring(pos)).toString();
    }

    /** An endpoint whose templates are parsed and references resolved; becomes a plan once clients exist. */
    private final class EndpointDraft {
        private final EndpointDefinition def;
        private final RoutePattern route;
        private final List<String> callNames;
        private final List<CallDraft> calls = new ArrayList<>();

        EndpointDraft(EndpointDefinition def, Map<String, UpstreamDefinition> upstreams, List<ConfigProblem> problems) {
            this.def = def;
            this.route = RoutePattern.parse(def.path());
            this.callNames = List.copyOf(def.calls().keySet());
            String at = "endpoints." + def.name();
            for (CallDefinition c : def.calls().values()) {
                if (RESERVED_SOURCES.contains(c.name())) {
                    problems.add(new ConfigProblem(at + ".calls." + c.name(), "'" + c.name()
                            + "' is a template source and cannot name a call", "rename the call"));
                }
                calls.add(new CallDraft(c, at + ".calls." + c.name(), upstreams.get(c.upstream()), problems));
            }
            List<String> cycle = findCycle();
            if (cycle != null) {
                problems.add(new ConfigProblem(at + ".calls", "cycle between calls: " + String.join(" -> ", cycle),
                        "a call can only use calls that do not use it"));
            }
        }

        private @Nullable List<String> findCycle() {
            int n = calls.size();
            int[] state = new int[n];
            Deque<Integer> stack = new ArrayDeque<>();
            for (int i = 0; i < n; i++) {
                List<String> c = visit(i, state, stack);
                if (c != null) {
                    return c;
                }
            }
            return null;
        }

        private @Nullable List<String> visit(int i, int[] state, Deque<Integer> stack) {
            if (state[i] == 2) {
                return null;
            }
            if (state[i] == 1) {
                List<String> cycle = new ArrayList<>();
                List<Integer> path = new ArrayList<>(stack);
                java.util.Collections.reverse(path);
                for (int k = path.indexOf(i); k < path.size(); k++) {
                    cycle.add(callNames.get(path.get(k)));
                }
                cycle.add(callNames.get(i));
                return cycle;
            }
            state[i] = 1;
            stack.push(i);
            for (int d : calls.get(i).deps) {
                List<String> c = visit(d, state, stack);
                if (c != null) {
                    return c;
                }
            }
            stack.pop();
            state[i] = 2;
            return null;
        }

        EndpointPlan build(Map<String, UpstreamClient> clients) {
            boolean[] referenced = new boolean[calls.size()];
            boolean readsBody = false;
            boolean hasDeps = false;
            Set<String> queryParameters = new LinkedHashSet<>();
            for (CallDraft c : calls) {
                for (int d : c.deps) {
                    referenced[d] = true;
                    hasDeps = true;
                }
                readsBody |= c.readsBody;
                queryParameters.addAll(c.queryParameters);
            }
            List<CallPlan> plans = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                plans.add(calls.get(i).build(i, clients, referenced[i], def.name()));
            }
            OutcomeTimers timers = new OutcomeTimers(registry, "fanout.requests", "Composite requests",
                    Tags.of("endpoint", def.name()), REQUEST_OUTCOMES);
            List<String> forwarded = def.forwardHeaders().stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
            return new EndpointPlan(def.name(), def.method(), route, def.deadline(), def.onFailure(), forwarded,
                    plans, readsBody, hasDeps, List.copyOf(queryParameters), timers);
        }

        /** One call's parsed templates. */
        private final class CallDraft {
            final CallDefinition def;
            final String at;
            final Set<Integer> depSet = new TreeSet<>();
            int[] deps = new int[0];
            boolean readsBody;
            final Set<String> queryParameters = new LinkedHashSet<>();
            @Nullable PathTemplate path;
            @Nullable SqlTemplate sql;
            final List<TextTemplate> queryValues = new ArrayList<>();
            final List<TextTemplate> headerValues = new ArrayList<>();
            @Nullable BodyTemplate body;
            @Nullable ForEach forEach;
            @Nullable JsonPointer select;
            @Nullable UpstreamDefinition upstream;

            CallDraft(CallDefinition def, String at, @Nullable UpstreamDefinition upstream,
                      List<ConfigProblem> problems) {
                this.def = def;
                this.at = at;
                this.upstream = upstream;
                if (upstream == null) {
                    problems.add(new ConfigProblem(at + ".upstream", "unknown upstream '" + def.upstream() + "'",
                            null));
                }
                if (def.forEach() != null) {
                    forEach = parseForEach(def.forEach(), problems);
                }
                if (def.path() != null) {
                    path = parsePath(def.path(), upstream, problems);
                } else if (def.sql() == null) {
                    problems.add(new ConfigProblem(at + ".path", "a call needs a path", null));
                }
                if (def.sql() != null) {
                    sql = parseSql(def.sql(), upstream, problems);
                }
                def.query().forEach((k, v) -> queryValues.add(text(v, at + ".query." + k, problems)));
                def.headers().forEach((k, v) -> headerValues.add(text(v, at + ".headers." + k, problems)));
                if (def.body() != null) {
                    body = def.body() instanceof String s && s.strip().equals("{body}")
                            ? markBody(new BodyTemplate.WholeBody())
                            : body(def.body(), at + ".body", problems);
                }
                if (def.select() != null) {
                    try {
                        select = JsonPointer.compile(def.select());
                    } catch (IllegalArgumentException e) {
                        problems.add(new ConfigProblem(at + ".select", "invalid JSON Pointer '" + def.select() + "'",
                                "e.g. /items or /data/0/name"));
                    }
                }
                deps = depSet.stream().mapToInt(Integer::intValue).toArray();
            }

            private BodyTemplate markBody(BodyTemplate t) {
                readsBody = true;
                return t;
            }

            private @Nullable ForEach parseForEach(String text, List<ConfigProblem> problems) {
                String[] parts = text.split("\\.", -1);
                int source = callNames.indexOf(parts[0]);
                if (source < 0) {
                    problems.add(new ConfigProblem(at + ".for-each", unknownCall(parts[0]), null));
                    return null;
                }
                if (parts[0].equals(def.name())) {
                    problems.add(new ConfigProblem(at + ".for-each", "a call cannot iterate over its own answer",
                            null));
                    return null;
                }
                depSet.add(source);
                return new ForEach(source, Arrays.asList(parts).subList(1, parts.length), text, def.concurrency());
            }

            private @Nullable PathTemplate parsePath(String text, @Nullable UpstreamDefinition upstream,
                                                     List<ConfigProblem> problems) {
                String location = at + ".path";
                if (!text.startsWith("/")) {
                    problems.add(new ConfigProblem(location, "path must start with '/' but was '" + text + "'", null));
                    return null;
                }
                List<TextTemplate> segments = new ArrayList<>();
                String rest = text.length() == 1 ? "" : text.substring(1);
                if (!rest.isEmpty()) {
                    for (String seg : splitOutsideBraces(rest)) {
                        segments.add(text(seg, location, problems));
                    }
                }
                return new PathTemplate(upstream == null ? "" : basePath(upstream.url()), segments);
            }

            private @Nullable SqlTemplate parseSql(String text, @Nullable UpstreamDefinition upstream,
                                                   List<ConfigProblem> problems) {
                String location = at + ".query";
                Set<String> sources = new java.util.HashSet<>(RESERVED_SOURCES);
                sources.addAll(callNames);
                boolean postgres = upstream == null || upstream.url().startsWith("jdbc:postgresql:");
                SqlTemplate.Scanned scanned;
                try {
                    scanned = SqlTemplate.scan(text, sources, postgres);
                } catch (TemplateSyntax.TemplateSyntaxException e) {
                    problems.add(new ConfigProblem(location, e.getMessage(), "write {source.field}, e.g. {path.id}"));
                    return null;
                }
                scanned.problems().forEach(p -> problems.add(new ConfigProblem(location, p,
                        "a query only reads, and its templates become bound parameters")));
                List<@Nullable ValueRef> resolved = new ArrayList<>();
                for (Object part : scanned.parts()) {
                    if (part instanceof TemplateRef r) {
                        resolved.add(resolve(r, location, problems));
                    }
                }
                return SqlTemplate.of(scanned.parts(), resolved);
            }

            private TextTemplate text(String text, String location, List<ConfigProblem> problems) {
                List<Object> parts;
                try {
                    parts = TemplateSyntax.parse(text);
                } catch (TemplateSyntax.TemplateSyntaxException e) {
                    problems.add(new ConfigProblem(location, e.getMessage(), "write {source.field}, e.g. {path.id}"));
                    return new TextTemplate(List.of(text));
                }
                List<Object> compiled = new ArrayList<>(parts.size());
                for (Object p : parts) {
                    if (p instanceof TemplateRef r) {
                        ValueRef v = resolve(r, location, problems);
                        compiled.add(v == null ? r.text() : v);
                    } else {
                        compiled.add(p);
                    }
                }
                return new TextTemplate(compiled);
            }

            private BodyTemplate body(@Nullable Object node, String location, List<ConfigProblem> problems) {
                if (node instanceof Map<?, ?> map) {
                    Map<String, BodyTemplate> fields = new LinkedHashMap<>();
                    map.forEach((k, v) -> fields.put(String.valueOf(k), body(v, location + "." + k, problems)));
                    return new BodyTemplate.Obj(fields);
                }
                if (node instanceof List<?> list) {
                    List<BodyTemplate> values = new ArrayList<>();
                    for (int i = 0; i < list.size(); i++) {
                        values.add(body(list.get(i), location + "." + i, problems));
                    }
                    return new BodyTemplate.Arr(values);
                }
                if (node instanceof String s) {
                    TextTemplate t = text(s, location, problems);
                    if (t.isConstant()) {
                        return new BodyTemplate.Constant(s.replace("{{", "{").replace("}}", "}"));
                    }
                    ValueRef single = t.single();
                    return single != null ? new BodyTemplate.Ref(single) : new BodyTemplate.Text(t);
                }
                return new BodyTemplate.Constant(node);
            }

            private @Nullable ValueRef resolve(TemplateRef r, String location, List<ConfigProblem> problems) {
                String key = String.join(".", r.path());
                switch (r.source()) {
                    case "path" -> {
                        int idx = route.variables().indexOf(key);
                        if (idx < 0) {
                            problems.add(new ConfigProblem(location, "unknown path variable '" + key + "' in "
                                    + r.text() + " (known: " + String.join(", ", route.variables()) + ")",
                                    "path variables come from the endpoint path " + route.text()));
                            return null;
                        }
                        return new ValueRef.PathVar(r, idx);
                    }
                    case "query" -> {
                        if (!needsName(r, location, problems)) {
                            return null;
                        }
                        queryParameters.add(key);
                        return new ValueRef.Query(r, key);
                    }
                    case "header" -> {
                        return needsName(r, location, problems)
                                ? new ValueRef.Header(r, key.toLowerCase(Locale.ROOT)) : null;
                    }
                    case "body" -> {
                        readsBody = true;
                        return new ValueRef.Json(r, ValueRef.Json.BODY, r.path());
                    }
                    case "item" -> {
                        if (def.forEach() == null) {
                            problems.add(new ConfigProblem(location, r.text() + " is only available in a call with"
                                    + " for-each", "add for-each: <call>.<array field>"));
                            return null;
                        }
                        return new ValueRef.Json(r, ValueRef.Json.ITEM, r.path());
                    }
                    default -> {
                        int idx = callNames.indexOf(r.source());
                        if (idx < 0) {
                            problems.add(new ConfigProblem(location, unknownCall(r.source()),
                                    "template sources are path, query, header, body, item or a call name"));
                            return null;
                        }
                        depSet.add(idx);
                        return new ValueRef.Json(r, idx, r.path());
                    }
                }
            }

            private boolean needsName(TemplateRef r, String location, List<ConfigProblem> problems) {
                if (r.path().isEmpty()) {
                    problems.add(new ConfigProblem(location, r.text() + " names no " + r.source(),
                            "write {" + r.source() + ".NAME}"));
                    return false;
                }
                return true;
            }

            private String unknownCall(String name) {
                return "unknown call '" + name + "' (known: " + String.join(", ", callNames) + ")";
            }

            CallPlan build(int index, Map<String, UpstreamClient> clients, boolean referenced, String endpoint) {
                UpstreamDefinition u = java.util.Objects.requireNonNull(upstream);
                Duration timeout = def.timeout() != null ? def.timeout() : u.timeout();
                OutcomeTimers timers = new OutcomeTimers(registry, "fanout.calls", "Upstream calls of endpoints",
                        Tags.of("endpoint", endpoint, "call", def.name(), "upstream", u.name()), CALL_OUTCOMES);
                boolean idempotent = def.idempotent() || switch (def.method()) {
                    case "GET", "HEAD", "PUT", "DELETE", "OPTIONS" -> true;
                    default -> false;
                };
                return new CallPlan(index, def.name(), u.name(), clients.get(u.name()), def.method(),
                        path, sql, def.single(), List.copyOf(def.query().keySet()), queryValues,
                        List.copyOf(def.headers().keySet()), headerValues, body, def.required(), select, timeout,
                        forEach, idempotent, deps, referenced, timers);
            }
        }
    }

    /** The base path of an upstream URL without a trailing slash ({@code http://h:1/api/} gives {@code /api}). */
    static String basePath(String url) {
        int scheme = url.indexOf("://");
        int slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
        if (slash < 0) {
            return "";
        }
        String p = url.substring(slash);
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** Splits at '/' that are not inside {...}. */
    static List<String> splitOutsideBraces(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth = Math.max(0, depth - 1);
            } else if (c == '/' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }
}
