package io.fanout.compile;

import io.fanout.definition.ConfigDefinition;
import io.fanout.definition.ConfigProblem;
import io.fanout.definition.InvalidConfigException;
import io.fanout.definition.UpstreamDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A document after {@link ConfigPipeline#validate}: the document as written, what could be bound, and every problem
 * (shape and meaning) in document order, each once. A valid one also holds everything checking found (expanded
 * upstreams, parsed templates), so {@link ConfigPipeline#compile} builds it without binding or checking again.
 */
public final class ValidatedConfig {

    private final Map<String, Object> document;
    private final ConfigDefinition definition;
    private final List<ConfigProblem> problems;
    private final Map<String, UpstreamDefinition> expandedUpstreams;
    private final List<EndpointDraft> endpoints;

    ValidatedConfig(
            Map<String, Object> document,
            ConfigDefinition definition,
            List<ConfigProblem> problems,
            Map<String, UpstreamDefinition> expandedUpstreams,
            List<EndpointDraft> endpoints) {
        this.document = document;
        this.definition = definition;
        this.problems = List.copyOf(problems);
        this.expandedUpstreams = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(expandedUpstreams));
        this.endpoints = List.copyOf(endpoints);
    }

    /** The document as written ({@code ${NAME}} unexpanded), to store or show; empty sections for an empty one. */
    public Map<String, Object> document() {
        return document;
    }

    /** What could be bound; the config itself only when {@link #valid()}. */
    public ConfigDefinition definition() {
        return definition;
    }

    /** Every problem, located, in document order; empty when valid. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    public boolean valid() {
        return problems.isEmpty();
    }

    /**
     * This, when valid.
     *
     * @throws InvalidConfigException listing every problem
     */
    public ValidatedConfig requireValid() {
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return this;
    }

    Map<String, UpstreamDefinition> expandedUpstreams() {
        return expandedUpstreams;
    }

    List<EndpointDraft> endpoints() {
        return endpoints;
    }
}
