/**
 * The HTTP transport: one Reactor Netty client and connection pool per upstream, the body bounded by
 * {@code max-response-size} while it streams in, {@code Retry-After} read and clamped. What it shares with the
 * other transports is {@link io.fanout.upstream.TransportExchange}'s. No knowledge of endpoints or envelopes.
 */
@NullMarked
package io.fanout.upstream.http;

import org.jspecify.annotations.NullMarked;
