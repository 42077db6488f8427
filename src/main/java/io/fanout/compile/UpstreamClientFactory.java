package io.fanout.compile;

import io.fanout.definition.UpstreamDefinition;
import io.fanout.upstream.UpstreamClient;

/**
 * Builds the client of one upstream from its definition with {@code ${ENV}} already expanded. Called once per
 * upstream when a config version is compiled, after validation succeeded.
 */
@FunctionalInterface
public interface UpstreamClientFactory {

    UpstreamClient create(UpstreamDefinition upstream);
}
