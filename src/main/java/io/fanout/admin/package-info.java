/**
 * The admin API ({@code /admin}): bearer-token access, the config as YAML or JSON with its version, versions, and
 * (in database mode) changes. Without a database every write answers 409 "read-only".
 */
@NullMarked
package io.fanout.admin;

import org.jspecify.annotations.NullMarked;
