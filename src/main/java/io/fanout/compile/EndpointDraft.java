package io.fanout.compile;

import io.fanout.definition.AuthMode;
import io.fanout.definition.BoundConfig;
import io.fanout.definition.CallDefinition;
import io.fanout.definition.ConfigProblem;
import io.fanout.definition.EndpointDefinition;
import io.fanout.definition.UpstreamDefinition;
import io.fanout.plan.CallPlan;
import io.fanout.plan.EndpointAuth;
import io.fanout.plan.EndpointPlan;
import io.fanout.plan.OutcomeTimers;
import io.fanout.plan.RequestOutcome;
import io.fanout.plan.RoutePattern;
import io.fanout.template.TemplateRef;
import io.fanout.upstream.UpstreamClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One endpoint, checked for meaning: its route is not another endpoint's, no call is named like a template source,
 * its calls ({@link CallDraft}) refer to what exists and form no cycle. Becomes an {@link EndpointPlan} once the
 * upstream clients exist.
 */
final class EndpointDraft {

    /** Template sources that are not call names. */
    static final Set<String> RESERVED_SOURCES = Set.of("path", "query", "header", "body", "item", "client", "claims");

    private final EndpointDefinition def;
    private final BoundConfig bound;
    private final Map<String, UpstreamDefinition> upstreams;
    private final @Nullable RoutePattern route;
    private final List<String> callNames;
    private final List<CallDraft> calls = new ArrayList<>();
    private final Set<String> queryParameters = new LinkedHashSet<>();
    private final Set<String> headers = new LinkedHashSet<>();
    private final Set<String> clientTemplates = new LinkedHashSet<>();

    /**
     * @param routes the routes of the endpoints before this one ({@code GET /users/{}} to endpoint name), to which
     *               this endpoint's route is added
     */
    EndpointDraft(
            EndpointDefinition def,
            BoundConfig bound,
            Map<String, UpstreamDefinition> upstreams,
            Map<String, String> routes,
            List<ConfigProblem> problems) {
        this.def = def;
        this.bound = bound;
        this.upstreams = upstreams;
        String at = "endpoints." + def.name();
        this.route = bound.rejected(at + ".path") ? null : RoutePattern.parse(def.path());
        this.callNames = List.copyOf(def.calls().keySet());
        if (route != null && !bound.rejected(at + ".method")) {
            String first = routes.putIfAbsent(def.method() + " " + route.shape(), def.name());
            if (first != null) {
                problems.add(new ConfigProblem(
                        at + ".path",
                        "duplicate route " + def.method() + " " + def.path() + ": endpoint '" + first
                                + "' has the same method and path",
                        "path variable names do not make routes different"));
            }
        }
        for (CallDefinition c : def.calls().values()) {
            String callAt = at + ".calls." + c.name();
            if (RESERVED_SOURCES.contains(c.name())) {
                problems.add(new ConfigProblem(
                        callAt,
                        "call name '" + c.name() + "' is reserved",
                        "path, query, header, body, item, client and claims are template sources; rename the call"));
            }
            calls.add(new CallDraft(c, callAt, this, problems));
        }
        List<String> cycle = findCycle();
        if (cycle != null) {
            problems.add(new ConfigProblem(
                    at + ".calls",
                    "cycle between calls: " + String.join(" -> ", cycle),
                    "a call can only use calls that do not use it"));
        }
    }

    EndpointDefinition definition() {
        return def;
    }

    BoundConfig bound() {
        return bound;
    }

    /** Upstreams by name, {@code ${ENV}} expanded. */
    Map<String, UpstreamDefinition> upstreams() {
        return upstreams;
    }

    List<String> callNames() {
        return callNames;
    }

    /** The route's variables, or null when the path was rejected (references to them cannot be checked). */
    @Nullable
    List<String> pathVariables() {
        return route == null ? null : route.variables();
    }

    void readsQueryParameter(String name) {
        queryParameters.add(name);
    }

    void readsHeader(String lowerCaseName) {
        headers.add(lowerCaseName);
    }

    /**
     * Notes a {@code {client.*}} or {@code {claims.*}} template; false (reported) when the endpoint has no
     * {@code auth}, so nobody would be identified, or, for claims, when there are no tokens to read them from.
     */
    boolean readsClient(TemplateRef ref, String location, List<ConfigProblem> problems) {
        clientTemplates.add(ref.text());
        String at = "endpoints." + def.name();
        if (def.auth() == AuthMode.NONE) {
            if (!bound.rejected(at + ".auth")) {
                problems.add(new ConfigProblem(
                        location,
                        ref.text() + " needs auth: required or optional on the" + " endpoint",
                        "without auth nobody is identified"));
            }
            return false;
        }
        if (ref.source().equals("claims") && bound.definition().clients().jwt() == null) {
            problems.add(new ConfigProblem(
                    location,
                    ref.text() + " reads a JWT claim, but clients.jwt is not" + " configured",
                    "configure clients.jwt"));
            return false;
        }
        return true;
    }

    String unknownCall(String name) {
        return "unknown call '" + name + "' (known: " + String.join(", ", callNames) + ")";
    }

    private @Nullable List<String> findCycle() {
        int[] state = new int[calls.size()];
        Deque<Integer> stack = new ArrayDeque<>();
        for (int i = 0; i < calls.size(); i++) {
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
            Collections.reverse(path);
            for (int k = path.indexOf(i); k < path.size(); k++) {
                cycle.add(callNames.get(path.get(k)));
            }
            cycle.add(callNames.get(i));
            return cycle;
        }
        state[i] = 1;
        stack.push(i);
        for (int d : calls.get(i).dependencies()) {
            List<String> c = visit(d, state, stack);
            if (c != null) {
                return c;
            }
        }
        stack.pop();
        state[i] = 2;
        return null;
    }

    EndpointPlan build(Map<String, UpstreamClient> clients, MeterRegistry registry) {
        RoutePattern pattern = java.util.Objects.requireNonNull(route);
        boolean[] referenced = new boolean[calls.size()];
        boolean readsBody = false;
        boolean hasDeps = false;
        for (CallDraft c : calls) {
            for (int d : c.dependencies()) {
                referenced[d] = true;
                hasDeps = true;
            }
            readsBody |= c.readsBody();
        }
        List<CallPlan> plans = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            plans.add(calls.get(i).build(i, clients, referenced[i], registry));
        }
        OutcomeTimers<RequestOutcome> timers = new OutcomeTimers<>(
                registry,
                "fanout.requests",
                "Composite requests",
                Tags.of("endpoint", def.name()),
                RequestOutcome.class,
                RequestOutcome::tag);
        List<String> forwarded = def.forwardHeaders().stream()
                .map(h -> h.toLowerCase(Locale.ROOT))
                .toList();
        EndpointAuth auth =
                def.auth() == AuthMode.NONE ? null : new EndpointAuth(def.auth() == AuthMode.REQUIRED, def.scopes());
        return new EndpointPlan(
                def.name(),
                def.method(),
                pattern,
                def.deadline(),
                def.onFailure(),
                forwarded,
                plans,
                readsBody,
                hasDeps,
                List.copyOf(queryParameters),
                List.copyOf(headers),
                timers,
                auth,
                List.copyOf(clientTemplates));
    }
}
