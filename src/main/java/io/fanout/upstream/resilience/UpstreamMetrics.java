package io.fanout.upstream.resilience;

import io.fanout.upstream.CallFailure;
import io.fanout.upstream.UpstreamResponse;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The Micrometer meters of one upstream's resilience layer, all tagged {@code upstream}.
 *
 * <p>A config reload builds the new client before the old one is closed (in-flight requests finish on the old
 * one), and Micrometer keeps the first meter registered under an id. So meters belong to the newest client of an
 * upstream: building one takes the meters over (the previous owner's are removed and registered afresh, which
 * Prometheus sees as a counter reset), and closing a client removes its meters only if it still owns them.
 */
final class UpstreamMetrics implements AutoCloseable {

    static final String PREFIX = "fanout.upstream.";

    // the owner of each (registry, upstream) pair; weak keys so test registries do not pile up
    private static final Map<MeterRegistry, Map<String, UpstreamMetrics>> OWNERS = new WeakHashMap<>();

    private final MeterRegistry registry;
    private final String upstream;
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();
    private final ConcurrentHashMap<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Counter attempts;
    private final Counter retries;
    private final Counter retriesDenied;
    private final Counter hedges;
    private final Counter coalesced;
    private final Counter cacheHits;
    private final Counter staleServed;
    private volatile boolean owning = true;

    UpstreamMetrics(
            MeterRegistry registry,
            String upstream,
            @Nullable AsyncBulkhead bulkhead,
            @Nullable AsyncRateLimiter rateLimiter,
            @Nullable CircuitBreakerPolicy breaker) {
        this.registry = registry;
        this.upstream = upstream;
        this.tags = Tags.of("upstream", upstream);
        synchronized (OWNERS) {
            UpstreamMetrics previous =
                    OWNERS.computeIfAbsent(registry, r -> new HashMap<>()).put(upstream, this);
            if (previous != null) {
                previous.owning = false;
                previous.removeMeters();
            }
        }
        attempts = counter("attempts", "attempts handed to the transport");
        retries = counter("retries", "retries started");
        retriesDenied = counter("retries.denied", "retries refused by the retry budget");
        hedges = counter("hedges", "hedge attempts started");
        coalesced = counter("coalesced", "calls answered by another identical call in flight");
        cacheHits = counter("cache.hits", "calls answered fresh from the cache");
        staleServed = counter("stale.served", "failed calls answered with a stale cached answer");
        if (bulkhead != null) {
            gauge("bulkhead.in.use", bulkhead, AsyncBulkhead::inUse);
            gauge("bulkhead.batch.in.use", bulkhead, AsyncBulkhead::batchInUse);
            gauge("bulkhead.waiting", bulkhead, AsyncBulkhead::waiting);
            gauge("bulkhead.max", bulkhead, AsyncBulkhead::maxConcurrent);
            meters.add(FunctionCounter.builder(PREFIX + "bulkhead.rejected", bulkhead, AsyncBulkhead::rejectedCount)
                    .tags(tags)
                    .register(registry));
        }
        if (rateLimiter != null) {
            gauge("ratelimiter.available", rateLimiter, AsyncRateLimiter::availableTokens);
            gauge("ratelimiter.waiting", rateLimiter, AsyncRateLimiter::waiting);
            meters.add(FunctionCounter.builder(PREFIX + "ratelimiter.waits", rateLimiter, AsyncRateLimiter::waitCount)
                    .tags(tags)
                    .description("calls that waited for a rate-limit token")
                    .register(registry));
            meters.add(FunctionCounter.builder(
                            PREFIX + "ratelimiter.rejected", rateLimiter, AsyncRateLimiter::rejectedCount)
                    .tags(tags)
                    .register(registry));
        }
        if (breaker != null) {
            // one gauge per state (1 when current), the shape Prometheus alerts are usually written against
            for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
                meters.add(Gauge.builder(PREFIX + "circuit.state", breaker, b -> b.state() == state ? 1 : 0)
                        .tags(tags.and("state", state.name().toLowerCase().replace('_', '-')))
                        .register(registry));
            }
        }
    }

    /** {@code fanout_upstream_coalesce_in_flight}: shared calls in flight (entries of the coalescing map). */
    void coalescing(Coalescer coalescer) {
        gauge("coalesce.in.flight", coalescer, Coalescer::inFlight);
    }

    private Counter counter(String name, String description) {
        Counter c = Counter.builder(PREFIX + name)
                .tags(tags)
                .description(description)
                .register(registry);
        meters.add(c);
        return c;
    }

    private <T> void gauge(String name, T target, java.util.function.ToDoubleFunction<T> value) {
        meters.add(Gauge.builder(PREFIX + name, target, value).tags(tags).register(registry));
    }

    void callSucceeded(UpstreamResponse.Source source) {
        if (!owning) {
            return; // a replaced client must not register outcome meters the new owner does not know of
        }
        outcome("success", source.wireName()).increment();
    }

    void callFailed(Throwable error) {
        if (!owning) {
            return;
        }
        String type = error instanceof CallFailure f ? f.type().wireName() : "internal";
        outcome(type, "none").increment();
    }

    void callCancelled() {
        if (!owning) {
            return;
        }
        outcome("cancelled", "none").increment();
    }

    private Counter outcome(String outcome, String source) {
        return outcomes.computeIfAbsent(outcome + '/' + source, k -> {
            Counter c = Counter.builder(PREFIX + "calls")
                    .tags(tags.and("outcome", outcome, "source", source))
                    .description("calls by outcome")
                    .register(registry);
            synchronized (meters) {
                meters.add(c);
            }
            return c;
        });
    }

    void attempt() {
        attempts.increment();
    }

    void retry() {
        retries.increment();
    }

    void retryDenied() {
        retriesDenied.increment();
    }

    void hedge() {
        hedges.increment();
    }

    void coalesced() {
        coalesced.increment();
    }

    void cacheHit() {
        cacheHits.increment();
    }

    void staleServed() {
        staleServed.increment();
    }

    private void removeMeters() {
        synchronized (meters) {
            for (Meter m : meters) {
                registry.remove(m);
            }
            meters.clear();
        }
    }

    @Override
    public void close() {
        synchronized (OWNERS) {
            Map<String, UpstreamMetrics> owners = OWNERS.get(registry);
            if (owners == null || owners.get(upstream) != this) {
                return; // a newer client of this upstream owns the meters now
            }
            owners.remove(upstream);
        }
        removeMeters();
    }
}
