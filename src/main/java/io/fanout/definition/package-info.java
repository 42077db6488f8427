/**
 * The bound, validated input: configuration records as the user wrote them (secrets unexpanded), the YAML/JSON
 * binder that produces them and the problems it reports. No Reactor, no Spring, no I/O beyond reading a file.
 */
@NullMarked
package io.fanout.definition;

import org.jspecify.annotations.NullMarked;
