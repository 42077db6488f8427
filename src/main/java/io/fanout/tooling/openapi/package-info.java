/**
 * The OpenAPI 3.1 document at {@code /v3/api-docs}: Fanout's own admin and jobs APIs, and every composite endpoint of
 * the active config, generated from its compiled plans and rebuilt (off the event loop) when the config changes.
 * Uses swagger-core's models (Jackson 2, which stays inside this package). May not hold request handling.
 */
@NullMarked
package io.fanout.tooling.openapi;

import org.jspecify.annotations.NullMarked;
