package io.fanout.upstream.transport;

import io.fanout.definition.BulkheadDefinition;
import io.fanout.definition.UpstreamDefinition;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.blocking.BlockingSource;
import io.fanout.upstream.blocking.JavaUpstreamClient;
import io.fanout.upstream.blocking.JdbcUpstreamClient;
import io.fanout.upstream.http.HttpUpstreamClient;
import io.fanout.upstream.http.UpstreamEventLoops;
import java.time.Duration;

/**
 * Picks the transport of an upstream by its {@code kind}, and the policies a blocking kind always gets. The one
 * place that knows every kind: a new transport kind is one more case here.
 */
public final class UpstreamTransports {

    private UpstreamTransports() {}

    /**
     * The raw transport; {@code ownTimeout} false when the resilience layer bounds every attempt already.
     *
     * @throws IllegalArgumentException when a java upstream's class cannot be used (validation reports it first)
     */
    public static UpstreamClient transport(UpstreamDefinition upstream, boolean ownTimeout) {
        return transport(upstream, ownTimeout, UpstreamEventLoops.shared());
    }

    /** The raw transport, an HTTP one on the given event loops. */
    public static UpstreamClient transport(UpstreamDefinition upstream, boolean ownTimeout, UpstreamEventLoops loops) {
        return switch (upstream.kind()) {
            case HTTP -> new HttpUpstreamClient(upstream, ownTimeout, loops);
            case JDBC -> new JdbcUpstreamClient(upstream, ownTimeout);
            case JAVA -> new JavaUpstreamClient(upstream, sourceClass(upstream), ownTimeout);
        };
    }

    /**
     * The definition the resilience layer is built from: a blocking upstream without a bulkhead gets one of
     * {@code pool-size} permits and no waiting, so a call beyond what its threads can serve fails
     * {@code bulkhead-full} at once instead of queueing unseen. (A configured bulkhead is at most pool-size:
     * validation rejects more.)
     */
    public static UpstreamDefinition withPolicyDefaults(UpstreamDefinition upstream) {
        if (!upstream.kind().blocking() || upstream.bulkhead() != null) {
            return upstream;
        }
        return upstream.withBulkhead(
                new BulkheadDefinition(upstream.poolSize(), Duration.ZERO, BulkheadDefinition.DEFAULT_BATCH_SHARE));
    }

    private static Class<? extends BlockingSource> sourceClass(UpstreamDefinition upstream) {
        String className = upstream.className();
        String problem = className == null ? "no class" : JavaUpstreamClient.problemWith(className);
        if (problem != null || className == null) {
            throw new IllegalArgumentException("upstream " + upstream.name() + ": " + problem);
        }
        try {
            return Class.forName(className, false, JavaUpstreamClient.loader()).asSubclass(BlockingSource.class);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(
                    "upstream " + upstream.name() + ": class '" + className + "' is not on the classpath", e);
        }
    }
}
