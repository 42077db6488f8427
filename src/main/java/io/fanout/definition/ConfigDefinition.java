package io.fanout.definition;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A whole Fanout configuration as written by its author: upstreams and endpoints in declaration order.
 *
 * @param upstreams upstream connection and policy settings by name
 * @param endpoints composite endpoints by name
 * @param clients   client identity and quotas ({@link ClientsDefinition#NONE} without a {@code clients} section)
 */
public record ConfigDefinition(
        Map<String, UpstreamDefinition> upstreams,
        Map<String, EndpointDefinition> endpoints,
        ClientsDefinition clients) {

    public ConfigDefinition {
        upstreams = Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
        endpoints = Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
    }

    /** A config without a {@code clients} section. */
    public ConfigDefinition(Map<String, UpstreamDefinition> upstreams, Map<String, EndpointDefinition> endpoints) {
        this(upstreams, endpoints, ClientsDefinition.NONE);
    }
}
