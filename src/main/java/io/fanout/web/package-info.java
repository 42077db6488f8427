/**
 * The HTTP face of Fanout on Spring WebFlux: request ids, the composite endpoint router and handler, RFC 9457
 * problems for every error, the jobs placeholder. Adapts server requests into engine inputs and answers back into
 * bytes; no composition logic lives here.
 */
@NullMarked
package io.fanout.web;

import org.jspecify.annotations.NullMarked;
