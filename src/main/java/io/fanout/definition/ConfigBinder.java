package io.fanout.definition;

import io.fanout.definition.Keys.Top;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Binds a generic document tree (maps, lists, strings, numbers, booleans, null) into a {@link ConfigDefinition},
 * checking its shape only: known keys (with "did you mean"), types, value notations and names, section by section
 * ({@link UpstreamBinder}, {@link PolicyBinder}, {@link EndpointBinder}, {@link CallBinder}) through the key tables
 * of {@link Keys}. What values mean (references, templates, routes, URLs, the environment) is the compiler's.
 */
public final class ConfigBinder {

    /** Upstream and endpoint names show up in admin URLs and metric tags. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

    private static final String NAME_HINT = "use letters, digits, '-' and '_', starting with a letter or digit";

    private ConfigBinder() {}

    /** Binds as much as can be bound and answers it with every shape problem; never throws for content. */
    public static BoundConfig bind(@Nullable Object document) {
        ProblemCollector problems = new ProblemCollector();
        Map<String, UpstreamDefinition> upstreams = new LinkedHashMap<>();
        Map<String, EndpointDefinition> endpoints = new LinkedHashMap<>();
        ClientsDefinition clients = ClientsDefinition.NONE;
        if (document instanceof Map<?, ?> map) {
            Section top = Section.of(problems, "", map, ConfigSection.DOCUMENT);
            Section upstreamsSection = namedEntries(top, Top.UPSTREAMS);
            for (String name : upstreamsSection.entries().keySet()) {
                Section s = entry(upstreamsSection, name, "upstream", NAME, ConfigSection.UPSTREAM, NAME_HINT);
                if (s != null) {
                    upstreams.put(name, UpstreamBinder.bind(name, s));
                }
            }
            Section endpointsSection = namedEntries(top, Top.ENDPOINTS);
            for (String name : endpointsSection.entries().keySet()) {
                Section s = entry(endpointsSection, name, "endpoint", NAME, ConfigSection.ENDPOINT, NAME_HINT);
                if (s != null) {
                    endpoints.put(name, EndpointBinder.bind(name, s));
                }
            }
            clients = ClientsBinder.bind(top);
        } else if (document != null) {
            problems.add(
                    "",
                    "expected a map with 'upstreams' and 'endpoints' but the document is "
                            + ProblemCollector.describe(document));
        }
        return new BoundConfig(document, new ConfigDefinition(upstreams, endpoints, clients), problems.list());
    }

    /** {@code upstreams:} or {@code endpoints:} with nothing under it is as good as absent: zero of them. */
    private static Section namedEntries(Section top, Top key) {
        Section s = top.raw(key) == null ? null : top.section(key, null);
        return s == null ? Section.empty(top.problems(), key.key()) : s;
    }

    /** A named entry ({@code upstreams.users}): checks the name; null (reported) when it is not a map. */
    static @Nullable Section entry(
            Section parent, String name, String what, Pattern namePattern, ConfigSection table, String nameHint) {
        if (!namePattern.matcher(name).matches()) {
            parent.problem(name, "invalid " + what + " name '" + name + "'", nameHint);
        }
        Object value = parent.raw(name);
        if (value instanceof Map<?, ?>) {
            return parent.section(name, table);
        }
        parent.wrongType(name, "a map of " + what + " settings", value);
        return null;
    }
}
