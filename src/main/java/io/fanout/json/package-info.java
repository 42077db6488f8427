/**
 * Fanout's JSON mechanics, each in one place: the Jackson 3 mapper ({@link io.fanout.json.JsonCodec}), the
 * byte-level validator of bodies that are embedded as they are ({@link io.fanout.json.JsonValidator}) and the
 * append-only byte writer that answers are written with ({@link io.fanout.json.JsonBytes}). Nothing else builds
 * JSON by hand or keeps a mapper of its own. No Spring, no Reactor, no knowledge of what the documents mean.
 */
@NullMarked
package io.fanout.json;

import org.jspecify.annotations.NullMarked;
