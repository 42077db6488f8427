package io.fanout.plan;

import io.fanout.definition.ConfigDefinition;
import io.fanout.definition.UpstreamDefinition;
import io.fanout.upstream.UpstreamClient;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An immutable, ready-to-run config version: the definition it came from, one client per upstream, the endpoint
 * plans and their route table. Requests keep the instance they started with, so a swap never changes a running
 * request.
 *
 * @param version    the config version number (1 for a file)
 * @param definition the definition as written (secrets unexpanded)
 * @param expandedUpstreams upstream definitions with {@code ${ENV}} expanded (in memory only, never shown)
 * @param upstreams  one client per upstream name
 * @param endpoints  endpoint plans in declaration order
 * @param routes     the route table over {@code endpoints}
 */
public record CompiledConfig(
        long version,
        ConfigDefinition definition,
        Map<String, UpstreamDefinition> expandedUpstreams,
        Map<String, UpstreamClient> upstreams,
        List<EndpointPlan> endpoints,
        RouteTable routes)
        implements AutoCloseable {

    public CompiledConfig {
        expandedUpstreams = Map.copyOf(expandedUpstreams);
        upstreams = Map.copyOf(upstreams);
        endpoints = List.copyOf(endpoints);
    }

    /** Warms every upstream's connections; errors are ignored (a cold upstream is not a broken config). */
    public Mono<Void> warmUp() {
        return Flux.fromIterable(upstreams.values())
                .flatMap(c -> c.warmUp().onErrorResume(e -> Mono.empty()))
                .then();
    }

    /** Releases every upstream's pool. */
    @Override
    public void close() {
        upstreams.values().forEach(UpstreamClient::close);
    }

    /** Releases the clients that {@code successor} does not reuse. */
    public void closeReplacedBy(CompiledConfig successor) {
        java.util.Set<UpstreamClient> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        kept.addAll(successor.upstreams().values());
        upstreams.values().stream().filter(c -> !kept.contains(c)).forEach(UpstreamClient::close);
    }
}
