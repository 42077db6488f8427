/** Example plug-ins, compiled with the tests: {@link io.fanout.examples.InventorySource} is a {@code kind: java} source. */
@NullMarked
package io.fanout.examples;

import org.jspecify.annotations.NullMarked;
