package io.fanout.definition;

/** How Fanout talks to an upstream. */
public enum UpstreamKind {
    /** HTTP(S) over Reactor Netty (the default). */
    HTTP,
    /** A blocking JDBC source run on a bounded scheduler. */
    JDBC
}
