/**
 * Which transport an upstream gets: {@link io.fanout.upstream.transport.UpstreamTransports} maps each {@code kind}
 * (http, jdbc, java) to its client and gives blocking kinds their default bulkhead. It sees every transport package;
 * nothing below it sees it. No request logic here.
 */
@NullMarked
package io.fanout.upstream.transport;

import org.jspecify.annotations.NullMarked;
