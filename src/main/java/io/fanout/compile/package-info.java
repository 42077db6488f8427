/**
 * Turns definitions into immutable plans, once per config version: template parsing, the call dependency graph,
 * the route table, semantic validation. No I/O on the request path; everything the engine needs is precomputed.
 */
@NullMarked
package io.fanout.compile;

import org.jspecify.annotations.NullMarked;
