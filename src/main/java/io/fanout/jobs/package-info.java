/**
 * Durable batch jobs (SPEC §5): the {@code /jobs} API, incremental parsing of uploads, the PostgreSQL queue of
 * items ({@link io.fanout.jobs.JobStore}) and the workers that run every item through the same
 * {@link io.fanout.engine.Engine} as live requests, within the batch share of each upstream's bulkhead. Active in
 * database mode only; no HTTP-agnostic engine code and no config parsing here.
 */
@NullMarked
package io.fanout.jobs;

import org.jspecify.annotations.NullMarked;
