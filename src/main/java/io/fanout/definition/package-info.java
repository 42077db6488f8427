/**
 * The configuration as its author wrote it: the records (secrets unexpanded), the reader (YAML/JSON text or file
 * to a generic tree), the shape binder (known keys with "did you mean", types, value notations, names; one binder
 * and one key table per section, see {@link io.fanout.definition.Keys}) and the writer back to a document. What
 * values mean (references, templates, routes, URLs, the environment) is checked by {@code io.fanout.compile}.
 * No Reactor, no Spring, no I/O beyond reading a file.
 */
@NullMarked
package io.fanout.definition;

import org.jspecify.annotations.NullMarked;
