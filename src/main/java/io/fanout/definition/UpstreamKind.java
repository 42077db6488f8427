package io.fanout.definition;

/** How Fanout talks to an upstream. */
public enum UpstreamKind {
    /** HTTP(S) over Reactor Netty (the default). */
    HTTP,
    /** A blocking JDBC source run on a bounded scheduler. */
    JDBC,
    /** A user's {@code io.fanout.upstream.blocking.BlockingSource} implementation run on a bounded scheduler. */
    JAVA;

    /** True for the kinds whose work blocks a thread and runs on a scheduler of {@code pool-size} threads. */
    public boolean blocking() {
        return this != HTTP;
    }
}
