/**
 * The transport contract every upstream kind implements ({@link io.fanout.upstream.UpstreamClient}), the request
 * kinds ({@link io.fanout.upstream.UpstreamRequest}), answers, typed call failures, the call budget, the status of
 * an upstream's protection ({@link io.fanout.upstream.UpstreamStatus}, from any client), and the
 * exchange preamble all transports share ({@link io.fanout.upstream.TransportExchange}: attempt counting, time
 * bound, the JSON verdict, failure naming). The transports themselves live in {@code upstream.http} and
 * {@code upstream.blocking}, the policies in {@code upstream.resilience}. No knowledge of endpoints or envelopes.
 */
@NullMarked
package io.fanout.upstream;

import org.jspecify.annotations.NullMarked;
