package io.fanout.compile;

import java.util.List;
import java.util.Map;

import io.fanout.definition.ConfigDefinition;
import io.fanout.upstream.UpstreamClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An immutable, ready-to-run config version: the definition it came from, one client per upstream, the endpoint
 * plans and their route table. Requests keep the instance they started with, so a swap never changes a running
 * request.
 *
 * @param version    the config version number (1 for a file)
 * @param definition the definition as written (secrets unexpanded)
 * @param upstreams  one client per upstream name
 * @param endpoints  endpoint plans in declaration order
 * @param routes     the route table over {@code endpoints}
 */
public record CompiledConfig(long version, ConfigDefinition definition, Map<String, UpstreamClient> upstreams,
                             List<EndpointPlan> endpoints, RouteTable routes) implements AutoCloseable {

    public CompiledConfig {
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
}
