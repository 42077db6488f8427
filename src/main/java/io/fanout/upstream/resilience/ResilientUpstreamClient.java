package io.fanout.upstream.resilience;

import io.fanout.definition.BulkheadDefinition;
import io.fanout.definition.CacheDefinition;
import io.fanout.definition.HedgeDefinition;
import io.fanout.definition.RateLimitDefinition;
import io.fanout.definition.RetryDefinition;
import io.fanout.definition.UpstreamDefinition;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.UpstreamRequest;
import io.fanout.upstream.UpstreamResponse;
import io.fanout.upstream.UpstreamStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Wraps one upstream's transport with the policies of its {@link UpstreamDefinition}; built once per compiled
 * config and shared by every request to that upstream.
 *
 * <h2>Layers, outermost first, and why in this order</h2>
 * <ol>
 * <li><b>cache / stale-if-error</b> (GET): a fresh hit must cost nothing, not even a coalescing slot; and it sits
 * outside everything that can fail so any failure below (timeouts, 5xx, circuit-open, bulkhead-full,
 * rate-limited) can be answered with the last good answer.</li>
 * <li><b>coalesce</b> (GET, {@code coalesce: true}): identical callers share the whole retried, hedged call, so N
 * followers cost one retry sequence, not N. Key: {@link UpstreamRequest#identity()} plus the traffic class (a live
 * call never waits behind a batch call's bulkhead share). The shared call runs under the leader's
 * {@link CallBudget}; a follower stops waiting at its own deadline ({@code deadline-exceeded}) and leaves the
 * shared call running for the others.</li>
 * <li><b>retry</b> (idempotent calls) with the per-upstream {@link RetryBudget} and the request deadline: backoff
 * waits hold no permit, no breaker probe and no token, and each retry may be hedged again.</li>
 * <li><b>hedge</b> (idempotent GET): each of the two attempts passes the breaker on its own, so the loser's
 * cancellation gives its permission back uncounted.</li>
 * <li><b>circuit breaker</b>: checked before anything is spent, so circuit-open costs no token and no permit and
 * never touches the network.</li>
 * <li><b>rate limit</b>: before the bulkhead, so a call waiting for a token does not hold a concurrency permit.</li>
 * <li><b>bulkhead</b>: wraps only the network attempt, so a permit is held exactly while the upstream works. The
 * queue wait is bounded by {@code min(max-wait, time left before the deadline)}; a wait cut by the deadline fails
 * {@code deadline-exceeded}, not {@code bulkhead-full}.</li>
 * <li><b>per-attempt timeout</b> {@code min(budget.attemptTimeout(), time left before the deadline)}: inside the
 * breaker so a timeout counts as a failure, inside the bulkhead so the time spent queueing for a permit (bounded by
 * max-wait) is not charged to the upstream. A cut by the deadline fails {@code deadline-exceeded}, a cut by the
 * call's own timeout {@code timeout}. The transport bounds the attempt the same way; this one guarantees the
 * contract for any transport and drives the breaker.</li>
 * </ol>
 *
 * <h2>Attempt counting</h2>
 * The transport counts: it calls {@link CallBudget#recordAttempt()} once per attempt it sends (its contract), and
 * this class passes the caller's budget through unchanged and never counts itself. So every network attempt
 * (first, retries, hedges) is counted exactly once, and attempts turned away locally (circuit-open, bulkhead-full,
 * rate-limited, no time left) are not counted: {@code meta.calls.X.attempts} says how often the upstream was really
 * called. Fresh cache hits and coalesced followers made no attempt of their own and show 0; the shared call's
 * attempts are counted on the leader's budget.
 *
 * <h2>What counts as an answer</h2>
 * A 2xx whose body is not one JSON value fails the attempt with {@code invalid-response} right where the transport
 * hands it over ({@link io.fanout.upstream.TransportExchange}, inside the attempt timeout): the breaker counts it as a
 * failure, a hedge keeps waiting for the other attempt, and it is never cached, shared with coalesced callers or
 * served as stale later.
 *
 * <h2>Stale-if-error</h2>
 * A stale answer replaces timeouts, deadline cuts, connect errors, 5xx, invalid responses, circuit-open,
 * bulkhead-full and rate-limited; never a 4xx (the upstream's verdict on this request, not an outage).
 *
 * <p>{@link #close()} removes this client's meters (unless a newer client of the same upstream owns them), stops
 * the breaker's timer and closes the transport: call it once no request uses this client any more.
 */
public final class ResilientUpstreamClient implements UpstreamClient {

    // package-private: the fused chain (PolicyCall) reads them
    private final String name;
    final UpstreamClient transport;
    final Supplier<RandomGenerator> random;
    private final @Nullable ResponseCache cache;
    private final @Nullable Coalescer coalescer;
    final @Nullable RetryPolicy retry;
    final @Nullable RetryBudget retryBudget;
    final @Nullable HedgeDefinition hedge;
    final @Nullable RetryBudget hedgeBudget;
    final @Nullable CircuitBreakerPolicy breaker;
    final @Nullable AsyncRateLimiter rateLimiter;
    final @Nullable AsyncBulkhead bulkhead;
    final LatencyWindow latency = new LatencyWindow(1024);
    final UpstreamMetrics metrics;

    /**
     * @param definition the upstream's compiled definition (policies that are null are simply absent)
     * @param transport  the raw client that sends one attempt; owned by this client from now on
     * @param registry   where the per-upstream meters go
     */
    public ResilientUpstreamClient(UpstreamDefinition definition, UpstreamClient transport, MeterRegistry registry) {
        this(definition, transport, registry, ThreadLocalRandom::current);
    }

    /** As the public constructor, with the jitter source given (tests make backoff deterministic). */
    ResilientUpstreamClient(
            UpstreamDefinition definition,
            UpstreamClient transport,
            MeterRegistry registry,
            Supplier<RandomGenerator> random) {
        this.name = definition.name();
        this.transport = transport;
        this.random = random;
        CacheDefinition c = definition.cache();
        this.cache = c == null || (c.ttl().isZero() && c.staleIfError().isZero())
                ? null
                : new ResponseCache(c.ttl(), c.staleIfError(), c.maxEntries(), c.maxBytes());
        this.coalescer = definition.coalesce() ? new Coalescer() : null;
        RetryDefinition r = definition.retry();
        this.retry = r == null || r.attempts() <= 1 ? null : new RetryPolicy(r);
        this.retryBudget = r == null ? null : RetryBudget.ofShare(r.budget());
        this.hedge = definition.hedge();
        this.hedgeBudget = hedge == null ? null : RetryBudget.ofShare(hedge.budget());
        this.breaker = definition.circuitBreaker() == null
                ? null
                : new CircuitBreakerPolicy(name, definition.circuitBreaker());
        RateLimitDefinition rl = definition.rateLimit();
        this.rateLimiter = rl == null ? null : new AsyncRateLimiter(name, rl.rate(), rl.burst(), rl.maxWait());
        BulkheadDefinition b = definition.bulkhead();
        this.bulkhead = b == null ? null : new AsyncBulkhead(name, b.maxConcurrent(), b.maxWait(), b.batchShare());
        this.metrics = new UpstreamMetrics(registry, name, bulkhead, rateLimiter, breaker);
        if (coalescer != null) {
            metrics.coalescing(coalescer); // the soak checks it is back to zero (scripts/soak.sh)
        }
    }

    public String name() {
        return name;
    }

    @Override
    public Mono<UpstreamResponse> exchange(UpstreamRequest request, CallBudget budget) {
        if (cache == null && coalescer == null) {
            // the usual case: one operator for the whole call, outcome meters included
            return new PolicyCall(this, request, budget, true);
        }
        return Mono.defer(() -> cachedOrCalled(request, budget))
                .doOnSuccess(response -> {
                    if (response != null) {
                        metrics.callSucceeded(response.source());
                    }
                })
                .doOnError(metrics::callFailed)
                .doOnCancel(metrics::callCancelled);
    }

    private Mono<UpstreamResponse> cachedOrCalled(UpstreamRequest request, CallBudget budget) {
        if (!isGet(request)) {
            return retried(request, budget);
        }
        String identity = request.identity();
        ResponseCache cache = this.cache;
        if (cache != null) {
            UpstreamResponse fresh = cache.fresh(identity);
            if (fresh != null) {
                metrics.cacheHit();
                return Mono.just(fresh.withSource(UpstreamResponse.Source.CACHE));
            }
        }
        // the write happens inside the shared call, so a result is cached even when its leader has gone
        Supplier<Mono<UpstreamResponse>> network = cache == null
                ? () -> retried(request, budget)
                : () -> retried(request, budget).doOnNext(response -> cache.put(identity, response));
        Mono<UpstreamResponse> answer = coalescer == null
                ? network.get()
                : coalescer.join((budget.batch() ? "batch " : "live ") + identity, network, shared -> {
                    metrics.coalesced();
                    // a follower whose deadline comes before the leader's leaves the shared call in time
                    return shared.timeout(
                            Duration.ofMillis(budget.remainingMillis()), Mono.error(this::deadlineExceeded));
                });
        if (cache == null || !cache.servesStale()) {
            return answer;
        }
        return answer.onErrorResume(ResilientUpstreamClient::staleMayReplace, error -> {
            UpstreamResponse stale = cache.stale(identity);
            if (stale == null) {
                return Mono.error(error);
            }
            metrics.staleServed();
            return Mono.just(stale.withSource(UpstreamResponse.Source.STALE));
        });
    }

    static boolean staleMayReplace(Throwable error) {
        if (!(error instanceof CallFailure failure)) {
            return false;
        }
        return switch (failure.type()) {
            case TIMEOUT,
                    DEADLINE_EXCEEDED,
                    CONNECT_ERROR,
                    INVALID_RESPONSE,
                    CIRCUIT_OPEN,
                    BULKHEAD_FULL,
                    RATE_LIMITED -> true;
            case UPSTREAM_STATUS -> failure.status() >= 500;
            default -> false;
        };
    }

    private Mono<UpstreamResponse> retried(UpstreamRequest request, CallBudget budget) {
        return new PolicyCall(this, request, budget, false);
    }

    /**
     * The slow path of an attempt of {@link PolicyCall} that must wait for a rate-limit token ({@code useLimiter})
     * and/or a bulkhead permit ({@code useBulkhead}), as composed operators; the breaker's permission, if any, is
     * already taken and settled by the caller's {@code permit}.
     */
    Mono<UpstreamResponse> gated(
            UpstreamRequest request,
            CallBudget budget,
            CircuitBreakerPolicy.@Nullable Permit permit,
            boolean useLimiter,
            boolean useBulkhead) {
        Mono<UpstreamResponse> network = Mono.defer(() -> timed(request, budget, permit));
        AsyncBulkhead bh = useBulkhead ? bulkhead : null;
        // the queue wait is bounded by the deadline too: nobody waits for a permit they could not use
        Mono<UpstreamResponse> bulkheaded = bh == null
                ? network
                : Mono.defer(() -> bh.run(budget.batch(), Duration.ofMillis(budget.remainingMillis()), network));
        AsyncRateLimiter limiter = useLimiter ? rateLimiter : null;
        if (limiter == null) {
            return bulkheaded;
        }
        return Mono.defer(() -> limiter.acquire(Duration.ofMillis(budget.remainingMillis())))
                .then(bulkheaded);
    }

    private Mono<UpstreamResponse> timed(
            UpstreamRequest request, CallBudget budget, CircuitBreakerPolicy.@Nullable Permit permit) {
        long remaining = budget.remainingMillis();
        if (remaining <= 0) {
            return Mono.error(deadlineExceeded());
        }
        long timeout = Math.max(1, budget.attemptTimeout().toMillis());
        boolean cutByDeadline = remaining < timeout;
        long bound = Math.min(timeout, remaining);
        if (permit != null) {
            permit.started();
        }
        metrics.attempt();
        long start = ReactorClock.nowNanos();
        return Mono.defer(() -> transport.exchange(request, budget))
                .switchIfEmpty(Mono.error(() -> new CallFailure(ErrorType.INVALID_RESPONSE, name + " gave no answer")))
                .timeout(
                        Duration.ofMillis(bound),
                        Mono.error(() -> cutByDeadline ? deadlineExceeded() : timedOut(bound)))
                .doOnSuccess(r -> latency.record(ReactorClock.nowNanos() - start, false))
                .doOnError(
                        e -> latency.record(ReactorClock.nowNanos() - start, CircuitBreakerPolicy.countsAsFailure(e)));
    }

    CallFailure timedOut(long millis) {
        return new CallFailure(ErrorType.TIMEOUT, name + " did not answer within " + millis + "ms");
    }

    CallFailure deadlineExceeded() {
        return new CallFailure(ErrorType.DEADLINE_EXCEEDED, name + " was cut by the request's deadline");
    }

    private static boolean isGet(UpstreamRequest request) {
        return request.read();
    }

    /** What the status page shows for this upstream right now. */
    @Override
    public UpstreamStatus status() {
        LatencyWindow.Snapshot recent = latency.snapshot();
        CircuitBreakerPolicy b = breaker;
        String state = b == null ? null : b.state().name().toLowerCase().replace('_', '-');
        Double failureRate = null;
        if (b != null) {
            float rate = b.breaker().getMetrics().getFailureRate();
            failureRate = rate < 0 ? null : rate / 100.0; // -1 until min-calls were seen
        }
        AsyncBulkhead bh = bulkhead;
        AsyncRateLimiter rl = rateLimiter;
        return new UpstreamStatus(
                name,
                state,
                failureRate,
                bh == null ? null : bh.inUse(),
                bh == null ? null : bh.waiting(),
                bh == null ? null : bh.maxConcurrent(),
                rl == null ? null : rl.availableTokens(),
                rl == null ? null : rl.waiting(),
                recent.p50Millis(),
                recent.p99Millis(),
                recent.errorRate(),
                recent.samples());
    }

    @Override
    public Mono<Void> warmUp() {
        return transport.warmUp();
    }

    @Override
    public void close() {
        metrics.close();
        if (breaker != null) {
            breaker.close();
        }
        transport.close();
    }

    // for tests in this package
    @Nullable
    CircuitBreakerPolicy breakerPolicy() {
        return breaker;
    }

    @Nullable
    AsyncBulkhead bulkhead() {
        return bulkhead;
    }

    @Nullable
    AsyncRateLimiter rateLimiter() {
        return rateLimiter;
    }

    @Nullable
    Coalescer coalescer() {
        return coalescer;
    }
}
