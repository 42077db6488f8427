/**
 * Admission control for composite requests (SPEC §11): a bound on the composite requests one instance has in flight,
 * fixed ({@code fanout.server.max-in-flight: 200}) or adaptive (the default, Netflix's Gradient2 limit following
 * measured latency; Vegas on request, docs/admission-limit.md). A request over the bound is refused at once with a 503 problem and {@code Retry-After}, before
 * any upstream is called. Fanout's own APIs and job items never pass through it.
 */
@NullMarked
package io.fanout.admission;

import org.jspecify.annotations.NullMarked;
