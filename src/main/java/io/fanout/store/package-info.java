/**
 * Database mode (SPEC §3): config kept in PostgreSQL as immutable numbered versions, read and written reactively
 * over R2DBC ({@link io.fanout.store.ConfigStore}), with changes pushed to every instance through LISTEN/NOTIFY
 * ({@link io.fanout.store.ConfigChangeListener}). Active only when {@code spring.r2dbc.url} is set; without it no
 * bean here exists and nothing touches a database. No parsing or validation of config here: documents are
 * generic JSON trees.
 */
@NullMarked
package io.fanout.store;

import org.jspecify.annotations.NullMarked;
