/**
 * Where the config comes from and how it changes: the {@link io.fanout.reload.ConfigSource} seam (read the current
 * config, list versions, propose a change answered by a {@link io.fanout.reload.ChangeOutcome}) with a file-mode
 * implementation (dry runs only) and a database-mode one; the config to start with
 * ({@link io.fanout.reload.InitialConfig}: {@code FileStartup}, {@code DatabaseStartup}); and every stored change
 * compiled once and swapped in atomically
 * ({@link io.fanout.reload.ConfigApplier}), whether written through this instance's admin API or announced by
 * another instance over LISTEN/NOTIFY. No HTTP here and no SQL: reading and writing versions is
 * {@code io.fanout.store}'s, answering clients is {@code io.fanout.admin}'s.
 */
@NullMarked
package io.fanout.reload;

import org.jspecify.annotations.NullMarked;
