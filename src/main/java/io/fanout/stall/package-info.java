/**
 * Event-loop stall detection in production: a watchdog thread probes every Netty event loop and Reactor parallel
 * thread, exports how late the probes run, and logs the stack of a thread that stays stalled past a threshold.
 * Nothing here runs on the threads it watches except a probe of two field writes.
 */
@NullMarked
package io.fanout.stall;

import org.jspecify.annotations.NullMarked;
