package io.fanout.upstream.resilience;

import io.fanout.definition.BulkheadDefinition;
import io.fanout.definition.CacheDefinition;
import io.fanout.definition.CircuitBreakerDefinition;
import io.fanout.definition.HedgeDefinition;
import io.fanout.definition.Rate;
import io.fanout.definition.RateLimitDefinition;
import io.fanout.definition.RetryDefinition;
import io.fanout.definition.UpstreamDefinition;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.UpstreamRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Test builders: upstream definitions with one policy changed at a time, requests and budgets. */
final class Upstreams {

    private Upstreams() {}

    /** The upstream "users" at {@code url} with every default and no policies. */
    static UpstreamDefinition at(String url) {
        return UpstreamDefinition.http("users", url);
    }

    static UpstreamDefinition plain() {
        return UpstreamDefinition.http("users", "http://localhost:1");
    }

    static UpstreamDefinition with(UpstreamDefinition d, BulkheadDefinition b) {
        return new UpstreamDefinition(
                d.name(),
                d.kind(),
                d.url(),
                d.timeout(),
                d.connectTimeout(),
                d.maxConnections(),
                d.maxResponseSize(),
                Map.of(),
                null,
                null,
                d.poolSize(),
                b,
                d.rateLimit(),
                d.retry(),
                d.circuitBreaker(),
                d.hedge(),
                d.cache(),
                d.coalesce());
    }

    static UpstreamDefinition with(UpstreamDefinition d, RateLimitDefinition r) {
        return new UpstreamDefinition(
                d.name(),
                d.kind(),
                d.url(),
                d.timeout(),
                d.connectTimeout(),
                d.maxConnections(),
                d.maxResponseSize(),
                Map.of(),
                null,
                null,
                d.poolSize(),
                d.bulkhead(),
                r,
                d.retry(),
                d.circuitBreaker(),
                d.hedge(),
                d.cache(),
                d.coalesce());
    }

    static UpstreamDefinition with(UpstreamDefinition d, RetryDefinition r) {
        return new UpstreamDefinition(
                d.name(),
                d.kind(),
                d.url(),
                d.timeout(),
                d.connectTimeout(),
                d.maxConnections(),
                d.maxResponseSize(),
                Map.of(),
                null,
                null,
                d.poolSize(),
                d.bulkhead(),
                d.rateLimit(),
                r,
                d.circuitBreaker(),
                d.hedge(),
                d.cache(),
                d.coalesce());
    }

    static UpstreamDefinition with(UpstreamDefinition d, CircuitBreakerDefinition c) {
        return new UpstreamDefinition(
                d.name(),
                d.kind(),
                d.url(),
                d.timeout(),
                d.connectTimeout(),
                d.maxConnections(),
                d.maxResponseSize(),
                Map.of(),
                null,
                null,
                d.poolSize(),
                d.bulkhead(),
                d.rateLimit(),
                d.retry(),
                c,
                d.hedge(),
                d.cache(),
                d.coalesce());
    }

    static UpstreamDefinition with(UpstreamDefinition d, HedgeDefinition h) {
        return new UpstreamDefinition(
                d.name(),
                d.kind(),
                d.url(),
                d.timeout(),
                d.connectTimeout(),
                d.maxConnections(),
                d.maxResponseSize(),
                Map.of(),
                null,
                null,
                d.poolSize(),
                d.bulkhead(),
                d.rateLimit(),
                d.retry(),
                d.circuitBreaker(),
                h,
                d.cache(),
                d.coalesce());
    }

    static UpstreamDefinition with(UpstreamDefinition d, CacheDefinition c) {
        return new UpstreamDefinition(
                d.name(),
                d.kind(),
                d.url(),
                d.timeout(),
                d.connectTimeout(),
                d.maxConnections(),
                d.maxResponseSize(),
                Map.of(),
                null,
                null,
                d.poolSize(),
                d.bulkhead(),
                d.rateLimit(),
                d.retry(),
                d.circuitBreaker(),
                d.hedge(),
                c,
                d.coalesce());
    }

    static UpstreamDefinition coalescing(UpstreamDefinition d) {
        return new UpstreamDefinition(
                d.name(),
                d.kind(),
                d.url(),
                d.timeout(),
                d.connectTimeout(),
                d.maxConnections(),
                d.maxResponseSize(),
                Map.of(),
                null,
                null,
                d.poolSize(),
                d.bulkhead(),
                d.rateLimit(),
                d.retry(),
                d.circuitBreaker(),
                d.hedge(),
                d.cache(),
                true);
    }

    static RetryDefinition retry(int attempts, Duration backoff, double budget, Integer... statuses) {
        return new RetryDefinition(attempts, backoff, Duration.ofSeconds(1), true, true, Set.of(statuses), budget);
    }

    static CircuitBreakerDefinition breaker(int minCalls, Duration openFor) {
        return new CircuitBreakerDefinition(
                0.5, Duration.ofSeconds(10), 1.0, Duration.ofSeconds(20), minCalls, openFor);
    }

    static RateLimitDefinition rateLimit(long perSecond, int burst, Duration maxWait) {
        return new RateLimitDefinition(new Rate(perSecond, Duration.ofSeconds(1)), burst, maxWait);
    }

    static UpstreamRequest get(String path) {
        return new UpstreamRequest.Http("GET", path, List.of("Accept", "application/json"), null, "req-1", true);
    }

    static UpstreamRequest post(String path) {
        return new UpstreamRequest.Http("POST", path, List.of(), new byte[0], "req-1", false);
    }

    /** A budget created on the current (possibly virtual) clock. */
    static CallBudget budget(Duration attemptTimeout, Duration deadline) {
        return new CallBudget(attemptTimeout, CallBudget.now() + deadline.toMillis(), false);
    }

    static CallBudget batchBudget(Duration attemptTimeout, Duration deadline) {
        return new CallBudget(attemptTimeout, CallBudget.now() + deadline.toMillis(), true);
    }
}
