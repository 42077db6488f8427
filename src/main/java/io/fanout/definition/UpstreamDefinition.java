package io.fanout.definition;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One upstream's connection settings and resilience policies, exactly as configured ({@code ${ENV}} not expanded).
 *
 * @param name             the key under {@code upstreams}
 * @param kind             http (default), jdbc or java
 * @param url              absolute http(s) URL with optional base path, a JDBC URL for {@code kind: jdbc}, empty
 *                         for {@code kind: java}
 * @param timeout          per attempt (default 1s)
 * @param connectTimeout   TCP connect timeout (default 500ms)
 * @param maxConnections   connection pool size (default 256)
 * @param maxResponseSize  largest accepted body in bytes (default 2MB)
 * @param headers          sent on every call; values may contain {@code ${NAME}}
 * @param username         jdbc only
 * @param password         jdbc only
 * @param poolSize         jdbc and java: connections and threads (default 8)
 * @param bulkhead         null when not configured
 * @param rateLimit        null when not configured
 * @param retry            null when not configured
 * @param circuitBreaker   null when not configured
 * @param hedge            null when not configured
 * @param cache            null when not configured
 * @param coalesce         identical in-flight GETs share one upstream call
 * @param className        java only: the {@code BlockingSource} implementation's class name
 */
public record UpstreamDefinition(
        String name,
        UpstreamKind kind,
        String url,
        Duration timeout,
        Duration connectTimeout,
        int maxConnections,
        long maxResponseSize,
        Map<String, String> headers,
        @Nullable String username,
        @Nullable String password,
        int poolSize,
        @Nullable BulkheadDefinition bulkhead,
        @Nullable RateLimitDefinition rateLimit,
        @Nullable RetryDefinition retry,
        @Nullable CircuitBreakerDefinition circuitBreaker,
        @Nullable HedgeDefinition hedge,
        @Nullable CacheDefinition cache,
        boolean coalesce,
        @Nullable String className) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(500);
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    public static final long DEFAULT_MAX_RESPONSE_SIZE = 2L * 1024 * 1024;
    public static final int DEFAULT_POOL_SIZE = 8;

    public UpstreamDefinition {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** Every component but {@code className} (http and jdbc upstreams). */
    public UpstreamDefinition(
            String name,
            UpstreamKind kind,
            String url,
            Duration timeout,
            Duration connectTimeout,
            int maxConnections,
            long maxResponseSize,
            Map<String, String> headers,
            @Nullable String username,
            @Nullable String password,
            int poolSize,
            @Nullable BulkheadDefinition bulkhead,
            @Nullable RateLimitDefinition rateLimit,
            @Nullable RetryDefinition retry,
            @Nullable CircuitBreakerDefinition circuitBreaker,
            @Nullable HedgeDefinition hedge,
            @Nullable CacheDefinition cache,
            boolean coalesce) {
        this(
                name,
                kind,
                url,
                timeout,
                connectTimeout,
                maxConnections,
                maxResponseSize,
                headers,
                username,
                password,
                poolSize,
                bulkhead,
                rateLimit,
                retry,
                circuitBreaker,
                hedge,
                cache,
                coalesce,
                null);
    }

    /** The same upstream with another bulkhead (the factory's default for blocking kinds). */
    public UpstreamDefinition withBulkhead(@Nullable BulkheadDefinition newBulkhead) {
        return new UpstreamDefinition(
                name,
                kind,
                url,
                timeout,
                connectTimeout,
                maxConnections,
                maxResponseSize,
                headers,
                username,
                password,
                poolSize,
                newBulkhead,
                rateLimit,
                retry,
                circuitBreaker,
                hedge,
                cache,
                coalesce,
                className);
    }

    /** A plain HTTP upstream with every default and no policies; handy in tests and examples. */
    public static UpstreamDefinition http(String name, String url) {
        return new UpstreamDefinition(
                name,
                UpstreamKind.HTTP,
                url,
                DEFAULT_TIMEOUT,
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_RESPONSE_SIZE,
                Map.of(),
                null,
                null,
                DEFAULT_POOL_SIZE,
                null,
                null,
                null,
                null,
                null,
                null,
                false);
    }
}
