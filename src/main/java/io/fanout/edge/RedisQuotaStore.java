package io.fanout.edge;

import io.fanout.definition.ClientsDefinition;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Token buckets shared by the fleet (SPEC §8 {@code quota-store: redis}): one Redis hash per client and plan,
 * refilled and taken from by one atomic Lua script (the shape of Spring Cloud Gateway's {@code RedisRateLimiter},
 * with Redis's own clock so instances need not agree on time). When Redis cannot answer within
 * {@link #COMMAND_TIMEOUT} the request is metered by the {@link LocalQuotaStore} instead — never refused because of
 * Redis — and the fallback shows in {@code fanout.edge.quota.store} and a WARN at most every 30 s.
 */
final class RedisQuotaStore implements QuotaStore {

    private static final Logger log = LoggerFactory.getLogger(RedisQuotaStore.class);

    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /** The first connection of a cold instance loads classes and resolves the host: more than a command. */
    private static final Duration CONNECT_WAIT = Duration.ofSeconds(3);

    private static final Duration RECONNECT_AFTER = Duration.ofSeconds(2);
    private static final Duration WARN_EVERY = Duration.ofSeconds(30);
    private static final String KEY_PREFIX = "fanout:quota:";

    static final String SCRIPT = """
            local rate = tonumber(ARGV[1])
            local burst = tonumber(ARGV[2])
            local ttl = tonumber(ARGV[3])
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
            local tokens = tonumber(state[1]) or burst
            local ts = tonumber(state[2]) or now
            tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000000)
            local allowed = 0
            if tokens >= 1 then
              tokens = tokens - 1
              allowed = 1
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(math.max(now, ts)))
            redis.call('EXPIRE', KEYS[1], ttl)
            return {allowed, tostring(tokens)}
            """;

    private final RedisClient client;
    private final RedisURI uri;
    private final LocalQuotaStore fallback;
    private final EdgeMetrics metrics;
    private final AtomicReference<@Nullable Mono<StatefulRedisConnection<String, String>>> connection =
            new AtomicReference<>();
    private final AtomicLong lastConnectFailure = new AtomicLong(Long.MIN_VALUE / 2);
    private final AtomicLong lastWarn = new AtomicLong(Long.MIN_VALUE / 2);
    private final AtomicBoolean up = new AtomicBoolean(true);
    private volatile @Nullable StatefulRedisConnection<String, String> established;

    RedisQuotaStore(RedisClient client, RedisURI uri, LocalQuotaStore fallback, EdgeMetrics metrics) {
        this.client = client;
        this.uri = uri;
        this.fallback = fallback;
        this.metrics = metrics;
        metrics.quotaStore(this::state);
    }

    /** 1 while Redis answers, 0 while the instance meters locally. */
    double state() {
        return up.get() ? 1 : 0;
    }

    boolean isUp() {
        return up.get();
    }

    String describe() {
        return uri.getHost() + ":" + uri.getPort();
    }

    @Override
    public Mono<Quota> take(String clientId, ClientsDefinition.Plan plan) {
        String[] keys = {KEY_PREFIX + plan.name() + ":" + clientId};
        long ttl = Math.max(1, Quota.window(plan) * 2);
        return connection()
                .timeout(CONNECT_WAIT)
                .flatMap(c -> c.reactive()
                        .<Object>eval(
                                SCRIPT,
                                ScriptOutputType.MULTI,
                                keys,
                                Double.toString(plan.rate().perSecond()),
                                Integer.toString(plan.burst()),
                                Long.toString(ttl))
                        .next()
                        .timeout(COMMAND_TIMEOUT))
                .map(result -> {
                    List<?> values = (List<?>) result;
                    boolean allowed = ((Number) values.get(0)).longValue() == 1;
                    Quota quota = Quota.of(plan, allowed, Double.parseDouble(String.valueOf(values.get(1))));
                    recovered();
                    return quota;
                })
                .onErrorResume(e -> {
                    unreachable(e);
                    return fallback.take(clientId, plan);
                });
    }

    /** One connection for every request; Lettuce reconnects it by itself after it was once established. */
    private Mono<StatefulRedisConnection<String, String>> connection() {
        Mono<StatefulRedisConnection<String, String>> c = connection.get();
        if (c != null) {
            return c;
        }
        long now = System.nanoTime();
        if (now - lastConnectFailure.get() < RECONNECT_AFTER.toNanos()) {
            return Mono.error(new IllegalStateException("Redis was unreachable moments ago"));
        }
        // connecting resolves the host name, which may block: off the event loop, once
        Mono<StatefulRedisConnection<String, String>> created = Mono.defer(
                        () -> Mono.fromCompletionStage(client.connectAsync(StringCodec.UTF8, uri)))
                .subscribeOn(Schedulers.boundedElastic())
                .doOnNext(opened -> established = opened)
                .doOnError(e -> {
                    lastConnectFailure.set(System.nanoTime());
                    connection.set(null);
                })
                .cache();
        return connection.compareAndSet(null, created) ? created : Mono.defer(this::connection);
    }

    private void recovered() {
        if (up.compareAndSet(false, true)) {
            log.info("Redis quota store {} answers again: quotas are shared by the fleet again", describe());
        }
    }

    private void unreachable(Throwable e) {
        up.set(false);
        metrics.quotaFallback();
        long now = System.nanoTime();
        long last = lastWarn.get();
        if (now - last >= WARN_EVERY.toNanos() && lastWarn.compareAndSet(last, now)) {
            log.warn(
                    "Redis quota store {} is unreachable ({}): metering with this instance's own buckets until it"
                            + " answers (this warning repeats at most every {}s)",
                    describe(),
                    e.toString(),
                    WARN_EVERY.toSeconds());
        }
    }

    void close() {
        StatefulRedisConnection<String, String> c = established;
        if (c != null) {
            c.closeAsync();
        }
    }
}
