/**
 * The HTTP face of Fanout on Spring WebFlux: request ids, the composite endpoint router and handler, the jobs
 * placeholder, and the one writer of RFC 9457 problem answers ({@link io.fanout.web.ProblemWriter}, with
 * {@link io.fanout.web.ProblemException} for handlers) that composite routing, admin and jobs all use. Adapts
 * server requests into engine inputs and answers back into bytes; no composition logic lives here, and nothing of
 * the APIs built on it (admin, jobs). Who may call those APIs is {@code io.fanout.web.auth}'s.
 */
@NullMarked
package io.fanout.web;

import org.jspecify.annotations.NullMarked;
