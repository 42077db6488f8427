/**
 * Talking to upstreams: the transport contract ({@link io.fanout.upstream.UpstreamClient}), the Reactor Netty HTTP
 * client with its per-upstream pool, and the typed call failures. No knowledge of endpoints or envelopes here.
 */
@NullMarked
package io.fanout.upstream;

import org.jspecify.annotations.NullMarked;
