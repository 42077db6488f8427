/** Shared test fixtures: a real PostgreSQL per test class ({@link io.fanout.testsupport.TestDatabase}). */
@NullMarked
package io.fanout.testsupport;

import org.jspecify.annotations.NullMarked;
