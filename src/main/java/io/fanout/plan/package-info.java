/**
 * The immutable, ready-to-run result of compiling a config version: {@link io.fanout.plan.CompiledConfig} with one
 * upstream client per upstream, endpoint and call plans (templates, dependency indexes, for-each, timers), the
 * route table. Built once by {@code io.fanout.compile}, shared by every request of that version, read by the engine.
 * No validation, no I/O, no per-request state.
 */
@NullMarked
package io.fanout.plan;

import org.jspecify.annotations.NullMarked;
