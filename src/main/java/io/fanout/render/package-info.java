/**
 * Answers as bytes, all written from the engine's structured result ({@link io.fanout.engine.CompositeResult}): the
 * data/errors/meta envelope ({@link io.fanout.render.Envelope}), streamed NDJSON and SSE lines
 * ({@link io.fanout.render.StreamLines}), batch result lines ({@link io.fanout.render.JobResultLine}), and the one
 * RFC 9457 problem writer every error answer uses ({@link io.fanout.render.ProblemDocument},
 * {@link io.fanout.render.ProblemTypes}). No Spring, no Reactor, no running of calls: the web and jobs layers put
 * these bytes on the wire.
 */
@NullMarked
package io.fanout.render;

import org.jspecify.annotations.NullMarked;
