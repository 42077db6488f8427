package io.fanout.store;

import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.Notification;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.ConnectableFlux;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * Tells this instance when another one stored a new config version (SPEC §3: within a second, on every instance).
 *
 * <p>One dedicated, non-pooled connection LISTENs on {@value #CHANNEL}; the trigger in {@code V1__config_versions}
 * notifies it on every insert. The same connection asks for the latest version every poll interval, as a fallback
 * for notifications that never arrive (a proxy that drops them) and as a liveness check: a connection that stops
 * answering is replaced. A lost connection is re-established with backoff, and after each (re)connect the latest
 * version is read again, so a change made while it was down is not missed.
 *
 * <p>{@link #start()} opens the connection and {@link #stop()} closes it; Spring calls both as this is a lifecycle
 * bean.
 */
public final class ConfigChangeListener implements SmartLifecycle {

    /** The NOTIFY channel; the payload is the new version number. */
    public static final String CHANNEL = "fanout_config";

    /** Visible in {@code pg_stat_activity}, so operators (and tests) can tell the listener from pooled sessions. */
    public static final String APPLICATION_NAME = "fanout-config-listener";

    private static final Logger log = LoggerFactory.getLogger(ConfigChangeListener.class);

    private final PostgresqlConnectionFactory connections;
    private final StoreProperties.Listener settings;
    private final ConnectableFlux<Long> versions;
    private final Sinks.One<Boolean> stopped = Sinks.one();
    private final Flux<Long> changes;
    private @Nullable Disposable running;

    /**
     * @param connections the driver's own (non-pooled) factory: LISTEN belongs to one session, and a pooled
     *     connection would be handed to other work with the LISTEN still active
     */
    public ConfigChangeListener(PostgresqlConnectionFactory connections, StoreProperties.Listener settings) {
        this.connections = connections;
        this.settings = settings;
        // replay(1): whoever subscribes late still learns the latest version seen so far
        this.versions = Flux.defer(this::newerVersions).replay(1);
        // completes subscribers on stop(), before the disconnected replay would fail them
        this.changes = versions.takeUntilOther(stopped.asMono());
    }

    /**
     * The latest version number each time it advances: first the current one once connected (if any version
     * exists), then every newer one. Never errors (connection problems are retried); completes on {@link #stop()}.
     */
    public Flux<Long> changes() {
        return changes;
    }

    /** Opens the listening session; a stopped listener stays stopped (Spring creates a new one per context). */
    @Override
    public synchronized void start() {
        if (running == null) {
            running = versions.connect();
        }
    }

    /** Completes {@link #changes()} and closes the session. */
    @Override
    public synchronized void stop() {
        stopped.tryEmitValue(Boolean.TRUE);
        if (running != null) {
            running.dispose();
        } else {
            running = Disposables.disposed(); // never started: must not start later either
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return running != null && !running.isDisposed();
    }

    private Flux<Long> newerVersions() {
        AtomicLong highest = new AtomicLong();
        return listenWithReconnect().filter(version -> highest.getAndAccumulate(version, Math::max) < version);
    }

    private Flux<Long> listenWithReconnect() {
        return Flux.defer(this::listenOnce)
                // transientErrors: the backoff starts over once a new connection has delivered a version
                .retryWhen(Retry.backoff(Long.MAX_VALUE, settings.reconnectBackoff())
                        .maxBackoff(settings.reconnectMaxBackoff())
                        .transientErrors(true)
                        .doBeforeRetry(signal -> log.warn(
                                "Config change listener has no connection ({}); " + "reconnecting, attempt {}",
                                describe(signal.failure()),
                                signal.totalRetriesInARow() + 1)));
    }

    /** One connection's life: emits versions until the connection fails, then errors so that it is replaced. */
    private Flux<Long> listenOnce() {
        return Flux.usingWhen(
                Mono.defer(connections::create),
                connection -> {
                    // Subscribed to before LISTEN runs so that no notification slips between the two. The driver
                    // completes this stream when the session ends (e.g. pg_terminate_backend): that is a failure.
                    Flux<Long> notified = connection
                            .getNotifications()
                            .mapNotNull(ConfigChangeListener::version)
                            .concatWith(Mono.error(() -> new IllegalStateException("listener session ended")));
                    // The first read comes right after LISTEN: a change committed before it is in that read, any
                    // later one is notified, so reconnecting never loses a version.
                    Flux<Long> polled = execute(connection, "SET application_name = '" + APPLICATION_NAME + "'")
                            .then(execute(connection, "LISTEN " + CHANNEL))
                            .doOnSuccess(ignored -> log.info("Config change listener is listening on {}", CHANNEL))
                            .thenMany(Flux.interval(Duration.ZERO, settings.pollInterval())
                                    .onBackpressureDrop())
                            .concatMap(tick -> latestVersion(connection).timeout(settings.queryTimeout()), 1);
                    return Flux.merge(notified, polled);
                },
                PostgresqlConnection::close,
                (connection, error) -> connection.close().onErrorComplete(),
                // stop(): closing the session also ends its LISTEN
                PostgresqlConnection::close);
    }

    private static Mono<Void> execute(PostgresqlConnection connection, String sql) {
        return connection
                .createStatement(sql)
                .execute()
                .flatMap(PostgresqlResult::getRowsUpdated)
                .then();
    }

    private static Mono<Long> latestVersion(PostgresqlConnection connection) {
        return connection
                .createStatement("SELECT coalesce(max(version), 0) AS latest FROM config_versions")
                .execute()
                .flatMap(result -> result.map(row -> Objects.requireNonNull(row.get("latest", Long.class))))
                .next();
    }

    private static @Nullable Long version(Notification notification) {
        String payload = notification.getParameter();
        try {
            return payload == null ? null : Long.valueOf(payload.trim());
        } catch (NumberFormatException notOurs) {
            // Someone else NOTIFYing on our channel: the next poll still finds the truth
            log.warn("Ignoring notification on {} with a payload that is not a version: {}", CHANNEL, payload);
            return null;
        }
    }

    private static String describe(Throwable failure) {
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }
}
