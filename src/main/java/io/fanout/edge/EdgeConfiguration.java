package io.fanout.edge;

import io.fanout.definition.ClientsDefinition;
import io.fanout.engine.ActiveConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Wires the edge: the guard, its local buckets, the Redis quota store (built from Boot's {@code spring.data.redis.*}
 * connection details, connected on first use only) and the {@code quotaStore} health detail, which is always UP:
 * an unreachable Redis degrades quotas to per instance, it never takes an instance out of service.
 */
@Configuration(proxyBeanMethods = false)
class EdgeConfiguration {

    @Bean
    EdgeMetrics edgeMetrics(MeterRegistry registry) {
        return new EdgeMetrics(registry);
    }

    @Bean
    LocalQuotaStore edgeLocalQuotaStore() {
        return new LocalQuotaStore(System::nanoTime);
    }

    @Bean(destroyMethod = "")
    RedisQuotaStoreHolder edgeRedisQuotaStore(
            ObjectProvider<DataRedisConnectionDetails> details,
            ObjectProvider<ClientResources> resources,
            LocalQuotaStore local,
            EdgeMetrics metrics) {
        return new RedisQuotaStoreHolder(() -> {
            DataRedisConnectionDetails d = details.getIfAvailable();
            DataRedisConnectionDetails.Standalone s = d == null ? null : d.getStandalone();
            RedisURI.Builder uri = RedisURI.builder()
                    .withHost(s == null ? "127.0.0.1" : s.getHost())
                    .withPort(s == null ? 6379 : s.getPort())
                    .withDatabase(s == null ? 0 : s.getDatabase())
                    .withTimeout(RedisQuotaStore.COMMAND_TIMEOUT);
            if (d != null && d.getPassword() != null) {
                if (d.getUsername() != null) {
                    uri.withAuthentication(d.getUsername(), d.getPassword().toCharArray());
                } else {
                    uri.withPassword(d.getPassword().toCharArray());
                }
            }
            ClientResources shared = resources.getIfAvailable();
            RedisClient client = shared == null ? RedisClient.create() : RedisClient.create(shared);
            // a request must never wait for a Redis that is away: reject at once and meter locally instead
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(SocketOptions.builder()
                            .connectTimeout(Duration.ofSeconds(1))
                            .build())
                    .timeoutOptions(TimeoutOptions.enabled(RedisQuotaStore.COMMAND_TIMEOUT))
                    .build());
            return new RedisQuotaStore(client, uri.build(), local, metrics);
        });
    }

    @Bean
    EdgeGuard edgeGuard(
            EdgeProperties properties, LocalQuotaStore local, RedisQuotaStoreHolder redis, EdgeMetrics metrics) {
        ConnectionProvider pool = ConnectionProvider.builder("fanout-jwks")
                .maxConnections(8)
                .pendingAcquireMaxCount(64)
                .build();
        HttpClient http = HttpClient.create(pool)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
                .responseTimeout(Duration.ofSeconds(5));
        return new EdgeGuard(
                new EdgeState(http, System::nanoTime),
                new ClientAddress(properties.trustedProxies()),
                local,
                redis::get,
                metrics);
    }

    @Bean
    ReactiveHealthIndicator quotaStoreHealthIndicator(ActiveConfig active, RedisQuotaStoreHolder redis) {
        return () -> Mono.fromSupplier(() -> {
            ClientsDefinition clients = active.current().definition().clients();
            if (clients.quotaStore() != ClientsDefinition.QuotaStore.REDIS) {
                return Health.up().withDetail("store", "local").build();
            }
            RedisQuotaStore store = redis.get();
            return Health.up()
                    .withDetail("store", "redis")
                    .withDetail("redis", store.describe())
                    .withDetail("state", store.isUp() ? "shared" : "fallback-local")
                    .build();
        });
    }

    /** Builds the Redis store on first use, so a fleet without {@code quota-store: redis} never touches Redis. */
    static final class RedisQuotaStoreHolder implements DisposableBean {
        private final java.util.function.Supplier<RedisQuotaStore> factory;
        private volatile @org.jspecify.annotations.Nullable RedisQuotaStore store;

        RedisQuotaStoreHolder(java.util.function.Supplier<RedisQuotaStore> factory) {
            this.factory = factory;
        }

        RedisQuotaStore get() {
            RedisQuotaStore s = store;
            if (s == null) {
                synchronized (this) {
                    s = store;
                    if (s == null) {
                        s = factory.get();
                        store = s;
                    }
                }
            }
            return s;
        }

        @Override
        public void destroy() {
            RedisQuotaStore s = store;
            if (s != null) {
                s.close();
            }
        }
    }
}
