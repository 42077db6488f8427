/**
 * The edge (SPEC §8): who is calling an endpoint with {@code auth} — JWTs checked against a JWKS fetched without
 * blocking, API keys kept as SHA-256 digests — whether their token has the endpoint's scopes, and their quota (token
 * buckets per client, in memory or shared through Redis). {@link io.fanout.edge.EdgeGuard} is the one entry point
 * the composite request path calls; endpoints without {@code auth} never reach it. No composition logic here.
 */
@NullMarked
package io.fanout.edge;

import org.jspecify.annotations.NullMarked;
