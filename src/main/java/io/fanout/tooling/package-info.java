/**
 * Operator tooling (SPEC §10): the {@code check} and {@code schema} commands, the config's JSON Schema generated
 * from the binder's key tables, and the routes that serve it and the OpenAPI document. Nothing here validates a
 * config by itself: checking goes through {@link io.fanout.compile.ConfigPipeline}. May not hold request handling
 * of composite endpoints or admin writes.
 */
@NullMarked
package io.fanout.tooling;

import org.jspecify.annotations.NullMarked;
