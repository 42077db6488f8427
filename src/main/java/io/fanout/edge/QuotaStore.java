package io.fanout.edge;

import io.fanout.definition.ClientsDefinition;
import reactor.core.publisher.Mono;

/** Where token buckets live: this instance's memory, or Redis for the fleet. */
interface QuotaStore {

    /** Takes one token from {@code client}'s bucket of {@code plan}; never fails. */
    Mono<Quota> take(String client, ClientsDefinition.Plan plan);
}
