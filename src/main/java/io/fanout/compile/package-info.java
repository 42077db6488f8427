/**
 * The config pipeline ({@link io.fanout.compile.ConfigPipeline}): read → bind (shape, in {@code definition}) →
 * check meaning (references to upstreams, calls and path variables, template sources, the call graph, duplicate
 * routes, URLs after {@code ${ENV}} expansion, the environment rules, java classes) → compile into the immutable
 * plans of {@code io.fanout.plan}. The one place configs are validated. No network or database I/O, no
 * per-request state. ({@code JsonCodec} and {@code JsonBytes} live here until the {@code json} package takes them.)
 */
@NullMarked
package io.fanout.compile;

import org.jspecify.annotations.NullMarked;
