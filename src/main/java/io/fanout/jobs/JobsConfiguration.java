package io.fanout.jobs;

import io.fanout.engine.ActiveConfig;
import io.fanout.engine.Engine;
import io.fanout.store.DatabaseMode;
import io.fanout.store.DatabaseModeCondition;
import io.fanout.web.auth.BearerTokenAuthenticator;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The jobs API and workers, in database mode only. The routes are ordered first, so they answer {@code /jobs}
 * instead of the "jobs need a database" placeholder that {@code WebRoutes} keeps for file mode.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(DatabaseModeCondition.class)
@EnableConfigurationProperties(JobsProperties.class)
class JobsConfiguration {

    /** The NOTIFY channel of new jobs (see {@code V2__jobs.sql}). */
    static final String CHANNEL = "fanout_jobs";

    private static final Logger log = LoggerFactory.getLogger(JobsConfiguration.class);

    @Bean
    @DependsOnDatabaseInitialization
    JobStore jobStore(ConnectionFactory connectionFactory) {
        return new JobStore(connectionFactory);
    }

    @Bean
    @DependsOnDatabaseInitialization
    JobWorker jobWorker(
            JobStore store,
            ActiveConfig active,
            Engine engine,
            JobsProperties properties,
            ConnectionFactory connectionFactory,
            MeterRegistry registry) {
        String owner = hostName() + "/" + UUID.randomUUID();
        return new JobWorker(
                store,
                active,
                engine,
                properties,
                notifications(DatabaseMode.postgresql(connectionFactory)),
                owner,
                registry);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    RouterFunction<ServerResponse> jobsRoutes(
            JobStore store, ActiveConfig active, JobsProperties properties, Environment environment) {
        return new JobsRoutes(store, active, properties, BearerTokenAuthenticator.jobs(environment)).routes();
    }

    /**
     * Emits on every job submitted by any instance: one dedicated LISTEN session, re-established with backoff.
     * Missing a notification only delays a job until the next poll.
     */
    static Flux<String> notifications(PostgresqlConnectionFactory connections) {
        return Flux.usingWhen(
                        Mono.defer(connections::create),
                        connection -> connection
                                .createStatement("LISTEN " + CHANNEL)
                                .execute()
                                .flatMap(result -> result.getRowsUpdated())
                                .thenMany(connection.getNotifications())
                                .map(n -> CHANNEL)
                                .concatWith(Mono.error(() -> new IllegalStateException("job listener session ended"))),
                        PostgresqlConnection::close,
                        (connection, error) -> connection.close().onErrorComplete(),
                        PostgresqlConnection::close)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100))
                        .maxBackoff(Duration.ofSeconds(10))
                        .transientErrors(true)
                        .doBeforeRetry(s -> log.warn(
                                "job listener has no connection ({}); reconnecting",
                                s.failure().toString())));
    }

    private static String hostName() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "fanout" : host;
    }
}
