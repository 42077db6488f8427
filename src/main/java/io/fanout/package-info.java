/** Fanout's entry point and its process-level behaviour (exit code on SIGTERM). */
@NullMarked
package io.fanout;

import org.jspecify.annotations.NullMarked;
