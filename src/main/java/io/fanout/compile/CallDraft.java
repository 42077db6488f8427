package io.fanout.compile;

import io.fanout.definition.CallDefinition;
import io.fanout.definition.ConfigProblem;
import io.fanout.definition.Suggestions;
import io.fanout.definition.UpstreamDefinition;
import io.fanout.definition.UpstreamKind;
import io.fanout.plan.CallPlan;
import io.fanout.plan.CallTimers;
import io.fanout.plan.ForEach;
import io.fanout.template.BodyTemplate;
import io.fanout.template.PathTemplate;
import io.fanout.template.SqlTemplate;
import io.fanout.template.TemplateRef;
import io.fanout.template.Templates;
import io.fanout.template.TextTemplate;
import io.fanout.template.ValueRef;
import io.fanout.upstream.UpstreamClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonPointer;

/**
 * One call of an endpoint, checked for meaning: its upstream exists and its kind allows the call's keys, its
 * templates read known sources, its SQL only reads. Holds the parsed templates; becomes a {@link CallPlan} once the
 * upstream clients exist.
 */
final class CallDraft {

    private static final Pattern READ_ONLY_SQL =
            Pattern.compile("\\s*(?:select|with)\\b.*", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final CallDefinition def;
    private final String at;
    private final EndpointDraft endpoint;
    private final Set<Integer> depSet = new TreeSet<>();
    private final int[] deps;
    private final @Nullable UpstreamDefinition upstream;
    private final List<TextTemplate> queryValues = new ArrayList<>();
    private final List<TextTemplate> headerValues = new ArrayList<>();
    private @Nullable PathTemplate path;
    private @Nullable SqlTemplate sql;
    private @Nullable BodyTemplate body;
    private @Nullable ForEach forEach;
    private @Nullable JsonPointer select;
    private boolean readsBody;

    CallDraft(CallDefinition def, String at, EndpointDraft endpoint, List<ConfigProblem> problems) {
        this.def = def;
        this.at = at;
        this.endpoint = endpoint;
        this.upstream = upstream(problems);
        UpstreamKind kind = upstream == null || endpoint.bound().rejected("upstreams." + upstream.name() + ".kind")
                ? null
                : upstream.kind();
        new CallKeyRules(def, at, endpoint, kind).check(problems);
        if (def.forEach() != null && !rejected("for-each")) {
            forEach = forEach(def.forEach(), problems);
        }
        // keys the upstream's kind does not allow were reported above; they are not compiled as well
        boolean jdbc = kind == UpstreamKind.JDBC;
        boolean http = kind != null && !jdbc;
        Templates.Resolver resolver = this::resolve;
        if (def.path() != null && !rejected("path") && !jdbc) {
            path = Templates.path(def.path(), upstream == null ? "" : upstream.url(), at + ".path", resolver, problems);
        }
        if (def.sql() != null && !http) {
            sql = sql(def.sql(), resolver, problems);
        }
        if (!jdbc) {
            def.query().forEach((k, v) -> queryValues.add(Templates.text(v, at + ".query." + k, resolver, problems)));
            def.headers()
                    .forEach((k, v) -> headerValues.add(Templates.text(v, at + ".headers." + k, resolver, problems)));
        }
        if (def.body() != null && !jdbc) {
            readsBody |= def.body() instanceof String s && s.strip().equals("{body}");
            body = Templates.body(def.body(), at + ".body", resolver, problems);
        }
        if (def.select() != null && !rejected("select")) {
            // the binder checked the notation; Jackson's parser is the one the engine uses
            select = JsonPointer.compile(def.select());
        }
        deps = depSet.stream().mapToInt(Integer::intValue).toArray();
    }

    private boolean rejected(String key) {
        return endpoint.bound().rejected(at + "." + key);
    }

    private @Nullable UpstreamDefinition upstream(List<ConfigProblem> problems) {
        String name = def.upstream();
        UpstreamDefinition u = endpoint.upstreams().get(name);
        if (u == null && !rejected("upstream") && !endpoint.bound().rejected("upstreams." + name)) {
            problems.add(new ConfigProblem(
                    at + ".upstream",
                    "unknown upstream '" + name + "'",
                    Suggestions.hint(name, endpoint.upstreams().keySet(), "known")));
        }
        return u;
    }

    private @Nullable ForEach forEach(String text, List<ConfigProblem> problems) {
        String[] parts = text.split("\\.", -1);
        int source = endpoint.callNames().indexOf(parts[0]);
        if (source < 0) {
            problems.add(new ConfigProblem(at + ".for-each", endpoint.unknownCall(parts[0]), null));
            return null;
        }
        if (parts[0].equals(def.name())) {
            problems.add(new ConfigProblem(at + ".for-each", "a call cannot iterate over its own answer", null));
            return null;
        }
        depSet.add(source);
        return new ForEach(
                source, Arrays.asList(parts).subList(1, parts.length), text, def.concurrency(), def.maxItems());
    }

    /** Read-only, one statement, templates outside quotes; only then are its templates parsed. */
    private @Nullable SqlTemplate sql(String text, Templates.Resolver resolver, List<ConfigProblem> problems) {
        String location = at + ".query";
        if (!READ_ONLY_SQL.matcher(text).matches()) {
            problems.add(new ConfigProblem(
                    location,
                    "only read-only queries are allowed, but '" + abbreviate(text)
                            + "' does not start with select or with",
                    null));
            return null;
        }
        String statement = text.strip();
        if (statement.endsWith(";")) {
            statement = statement.substring(0, statement.length() - 1);
        }
        if (statement.indexOf(';') >= 0) {
            problems.add(new ConfigProblem(
                    location,
                    "only one statement is allowed, but '" + abbreviate(text) + "' has several",
                    "remove the ';' between statements"));
            return null;
        }
        Set<String> sources = new HashSet<>(EndpointDraft.RESERVED_SOURCES);
        sources.addAll(endpoint.callNames());
        boolean postgres = upstream == null || upstream.url().startsWith("jdbc:postgresql:");
        return Templates.sql(text, sources, postgres, location, resolver, problems);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private @Nullable ValueRef resolve(TemplateRef r, String location, List<ConfigProblem> problems) {
        String key = String.join(".", r.path());
        switch (r.source()) {
            case "path" -> {
                List<String> variables = endpoint.pathVariables();
                if (variables == null) {
                    return null; // the endpoint's path was rejected: nothing to check against
                }
                int idx = variables.indexOf(key);
                if (idx < 0) {
                    problems.add(new ConfigProblem(
                            location,
                            "unknown path variable '" + key + "' in " + r.text() + " (known: "
                                    + String.join(", ", variables) + ")",
                            "path variables come from the endpoint path "
                                    + endpoint.definition().path()));
                    return null;
                }
                return ValueRef.pathVariable(r, idx);
            }
            case "query" -> {
                if (!needsName(r, location, problems)) {
                    return null;
                }
                endpoint.readsQueryParameter(key);
                return ValueRef.queryParameter(r, key);
            }
            case "header" -> {
                if (!needsName(r, location, problems)) {
                    return null;
                }
                endpoint.readsHeader(key.toLowerCase(Locale.ROOT));
                return ValueRef.header(r, key);
            }
            case "body" -> {
                readsBody = true;
                return ValueRef.body(r);
            }
            case "item" -> {
                if (def.forEach() == null) {
                    if (rejected("for-each")) {
                        return null;
                    }
                    problems.add(new ConfigProblem(
                            location,
                            r.text() + " is only available in a call with" + " for-each",
                            "add for-each: <call>.<array field>"));
                    return null;
                }
                return ValueRef.item(r);
            }
            case "client" -> {
                if (!endpoint.readsClient(r, location, problems)) {
                    return null;
                }
                if (!key.equals("id") && !key.equals("plan")) {
                    problems.add(new ConfigProblem(
                            location,
                            "unknown client field '" + key + "' in " + r.text() + " (known: id, plan)",
                            "write {client.id} or {client.plan}"));
                    return null;
                }
                return ValueRef.client(r, key.equals("plan"));
            }
            case "claims" -> {
                if (!needsName(r, location, problems) || !endpoint.readsClient(r, location, problems)) {
                    return null;
                }
                return ValueRef.claim(r);
            }
            default -> {
                int idx = endpoint.callNames().indexOf(r.source());
                if (idx < 0) {
                    problems.add(new ConfigProblem(
                            location,
                            endpoint.unknownCall(r.source()),
                            "template sources are path, query, header, body, item, client, claims or a call name"));
                    return null;
                }
                depSet.add(idx);
                return ValueRef.call(r, idx);
            }
        }
    }

    private static boolean needsName(TemplateRef r, String location, List<ConfigProblem> problems) {
        if (r.path().isEmpty()) {
            problems.add(new ConfigProblem(
                    location, r.text() + " names no " + r.source(), "write {" + r.source() + ".NAME}"));
            return false;
        }
        return true;
    }

    /** Indexes of the calls this one waits for. */
    int[] dependencies() {
        return deps;
    }

    boolean readsBody() {
        return readsBody;
    }

    CallPlan build(int index, Map<String, UpstreamClient> clients, boolean referenced, MeterRegistry registry) {
        UpstreamDefinition u = Objects.requireNonNull(upstream);
        Duration timeout = def.timeout() != null ? def.timeout() : u.timeout();
        CallTimers timers = new CallTimers(
                registry, Tags.of("endpoint", endpoint.definition().name(), "call", def.name(), "upstream", u.name()));
        boolean idempotent = def.idempotent()
                || switch (def.method()) {
                    case "GET", "HEAD", "PUT", "DELETE", "OPTIONS" -> true;
                    default -> false;
                };
        return new CallPlan(
                index,
                def.name(),
                u.name(),
                Objects.requireNonNull(clients.get(u.name())),
                def.method(),
                path,
                sql,
                def.single(),
                List.copyOf(def.query().keySet()),
                queryValues,
                List.copyOf(def.headers().keySet()),
                headerValues,
                body,
                def.required(),
                select,
                timeout,
                forEach,
                idempotent,
                deps,
                referenced,
                timers);
    }
}
