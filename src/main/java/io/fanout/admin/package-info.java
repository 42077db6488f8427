/**
 * The admin API ({@code /admin}): thin HTTP over {@link io.fanout.reload.ConfigSource}, the same in both modes.
 * {@code AdminRoutes} maps paths and methods (405 with {@code Allow}) behind the bearer token, {@code ConfigHandlers}
 * turns requests into reads and proposed changes and their outcomes into answers, {@code AdminRequests} holds the
 * HTTP details (YAML/JSON by content type and {@code Accept}, {@code ETag}/{@code If-Match}, paging, reasons). No
 * validation, storing or diffing here: that is {@code io.fanout.reload}'s.
 */
@NullMarked
package io.fanout.admin;

import org.jspecify.annotations.NullMarked;
