package io.fanout.jobs;

import io.fanout.engine.RequestInput;
import io.fanout.plan.CompiledConfig;
import io.fanout.plan.EndpointPlan;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The fields an item of an endpoint may have (SPEC §5): its path variables, all required, then the query
 * parameters its templates read (as the compiled plan lists them). Anything else is an unknown field.
 */
final class ItemSchema {

    private final String endpoint;
    private final List<String> pathVariables;
    private final Set<String> queryParameters;

    private ItemSchema(String endpoint, List<String> pathVariables, Set<String> queryParameters) {
        this.endpoint = endpoint;
        this.pathVariables = pathVariables;
        this.queryParameters = queryParameters;
    }

    /** The endpoint named {@code name} in {@code config}, or null. */
    static @Nullable EndpointPlan plan(CompiledConfig config, String name) {
        for (EndpointPlan p : config.endpoints()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    static ItemSchema of(EndpointPlan plan) {
        Set<String> query = new LinkedHashSet<>(plan.queryParameters());
        plan.pathVariables().forEach(query::remove);
        return new ItemSchema(plan.name(), plan.pathVariables(), query);
    }

    /** Fails naming {@code where} (a line or a JSON location) when the fields do not fit the endpoint. */
    void check(Map<String, String> fields, String where) {
        for (String name : fields.keySet()) {
            if (!pathVariables.contains(name) && !queryParameters.contains(name)) {
                throw new UploadException(where + "unknown field '" + name + "' for endpoint '" + endpoint
                        + "' (known: " + String.join(", ", known()) + ")");
            }
        }
        for (String name : pathVariables) {
            if (!fields.containsKey(name)) {
                throw new UploadException(
                        where + "missing field '" + name + "' (a path variable of endpoint '" + endpoint + "')");
            }
        }
    }

    private List<String> known() {
        Set<String> all = new LinkedHashSet<>(pathVariables);
        all.addAll(queryParameters);
        return List.copyOf(all);
    }

    /** What the engine sees for one item: path variables from its fields, the rest as query parameters. */
    static RequestInput input(EndpointPlan plan, Map<String, String> fields, String requestId) {
        List<String> vars = plan.pathVariables();
        String[] path = new String[vars.size()];
        for (int i = 0; i < path.length; i++) {
            path[i] = fields.getOrDefault(vars.get(i), "");
        }
        return new RequestInput(requestId, path, fields::get, name -> null, null);
    }
}
