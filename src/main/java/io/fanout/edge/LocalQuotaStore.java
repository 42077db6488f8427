package io.fanout.edge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.fanout.definition.ClientsDefinition;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;

/**
 * Token buckets in this instance's memory, in a size-bounded, expiring Caffeine cache: any number of clients costs
 * at most {@link #MAX_CLIENTS} buckets, and a bucket idle for an hour (full again for any sane plan) is dropped. A
 * bucket is updated lock-free (compare-and-set), so no request thread ever waits for another.
 */
final class LocalQuotaStore implements QuotaStore {

    static final long MAX_CLIENTS = 100_000;
    static final Duration IDLE = Duration.ofHours(1);

    /** Tokens and when they were counted (clock nanos). */
    private record State(double tokens, long at) {}

    private final Cache<String, AtomicReference<State>> buckets;
    private final LongSupplier clock;

    LocalQuotaStore(LongSupplier clock) {
        this.clock = clock;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(MAX_CLIENTS)
                .expireAfterAccess(IDLE)
                .build();
    }

    @Override
    public Mono<Quota> take(String client, ClientsDefinition.Plan plan) {
        return Mono.just(takeNow(client, plan));
    }

    Quota takeNow(String client, ClientsDefinition.Plan plan) {
        long now = clock.getAsLong();
        AtomicReference<State> bucket =
                buckets.get(plan.name() + '\u0000' + client, k -> new AtomicReference<>(new State(plan.burst(), now)));
        double perNano = plan.rate().perSecond() / 1e9;
        while (true) {
            State s = bucket.get();
            double tokens = Math.min(plan.burst(), s.tokens() + Math.max(0, now - s.at()) * perNano);
            boolean allowed = tokens >= 1;
            State next = new State(allowed ? tokens - 1 : tokens, Math.max(now, s.at()));
            if (bucket.compareAndSet(s, next)) {
                return Quota.of(plan, allowed, next.tokens());
            }
        }
    }

    /** Buckets held, after pending evictions ran (for tests and diagnostics). */
    long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }
}
