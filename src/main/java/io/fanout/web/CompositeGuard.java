package io.fanout.web;

import io.fanout.plan.CompiledConfig;
import io.fanout.plan.EndpointPlan;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * What the composite path asks before running an endpoint with {@code auth} (SPEC §8, implemented by
 * {@code io.fanout.edge.EdgeGuard}): admit the request to {@code next}, or answer the refusal itself. Endpoints
 * without {@code auth} never reach it.
 */
public interface CompositeGuard {

    /** The exchange attribute holding the admitted caller ({@code io.fanout.template.ClientIdentity}). */
    String CLIENT = CompositeGuard.class.getName() + ".client";

    Mono<ServerResponse> admit(
            ServerRequest request, CompiledConfig config, EndpointPlan plan, HandlerFunction<ServerResponse> next);
}
