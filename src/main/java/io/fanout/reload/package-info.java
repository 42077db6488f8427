/**
 * Database mode's reload (SPEC §3): the config to start with ({@link io.fanout.reload.DatabaseStartup}), and every
 * stored change compiled once and swapped in atomically ({@link io.fanout.reload.ConfigApplier}), whether it was
 * written through this instance's admin API or announced by another instance over LISTEN/NOTIFY. No HTTP here and
 * no SQL: reading and writing versions is {@code io.fanout.store}'s, answering clients is {@code io.fanout.admin}'s.
 */
@NullMarked
package io.fanout.reload;

import org.jspecify.annotations.NullMarked;
