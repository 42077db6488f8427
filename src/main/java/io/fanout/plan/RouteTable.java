package io.fanout.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Finds the endpoint for a method and raw path. Routes are grouped by segment count and ordered so that a literal
 * segment wins over a variable at the same position ({@code /users/me} before {@code /users/{id}}).
 */
public final class RouteTable {

    private final Map<Integer, List<EndpointPlan>> bySize = new HashMap<>();

    public RouteTable(List<EndpointPlan> endpoints) {
        for (EndpointPlan e : endpoints) {
            bySize.computeIfAbsent(e.route().segmentCount(), k -> new ArrayList<>())
                    .add(e);
        }
        Comparator<EndpointPlan> specificFirst = (a, b) -> {
            for (int i = 0; i < a.route().segmentCount(); i++) {
                boolean la = a.route().isLiteral(i);
                boolean lb = b.route().isLiteral(i);
                if (la != lb) {
                    return la ? -1 : 1;
                }
            }
            return 0;
        };
        bySize.values().forEach(list -> list.sort(specificFirst));
        bySize.replaceAll((k, v) -> List.copyOf(v));
    }

    /** The result of a lookup: a match, a path that exists for other methods, or nothing. */
    public sealed interface Lookup permits Found, WrongMethod, NotFound {}

    /** The endpoint and its decoded path variables. */
    public record Found(EndpointPlan endpoint, String[] pathVariables) implements Lookup {}

    /** The path exists, but not for this method. */
    public record WrongMethod(Set<String> allowed) implements Lookup {}

    /** No endpoint has this path. */
    public record NotFound() implements Lookup {}

    private static final NotFound NOT_FOUND = new NotFound();

    public Lookup find(String method, String rawPath) {
        List<String> segments = RoutePattern.splitPath(rawPath);
        if (segments == null) {
            return NOT_FOUND;
        }
        List<EndpointPlan> candidates = bySize.get(segments.size());
        if (candidates == null) {
            return NOT_FOUND;
        }
        @Nullable Set<String> allowed = null;
        for (EndpointPlan e : candidates) {
            String[] vars = e.route().match(segments);
            if (vars == null) {
                continue;
            }
            if (e.method().equals(method)
                    || (method.equals("HEAD") && e.method().equals("GET"))) {
                return new Found(e, vars);
            }
            if (allowed == null) {
                allowed = new LinkedHashSet<>();
            }
            allowed.add(e.method());
        }
        return allowed == null ? NOT_FOUND : new WrongMethod(allowed);
    }
}
