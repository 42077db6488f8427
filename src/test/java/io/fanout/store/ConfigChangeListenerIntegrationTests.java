package io.fanout.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.TestDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

class ConfigChangeListenerIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * How long a NOTIFY may take here: SPEC says a change reaches every instance within a second, which it does by
     * tens of milliseconds; 3s keeps a loaded 2-core box from failing the test while a poll (5 minutes) could never
     * pass it.
     */
    private static final long NOTIFIED = 3;

    /** Polling slow enough (5 minutes) that a change seen within {@link #NOTIFIED} must have come by NOTIFY. */
    private static final StoreProperties.Listener NOTIFY_ONLY = new StoreProperties.Listener(
            Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(200));

    private static final String LISTENER_SESSIONS = "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
            + ConfigChangeListener.APPLICATION_NAME + "' AND datname = current_database()";

    private static TestDatabase database;
    private static ConfigStore store;

    private final BlockingQueue<Long> received = new LinkedBlockingQueue<>();
    private ConfigChangeListener listener;
    private Disposable subscription;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabase.createMigrated();
        store = new ConfigStore(database.connectionFactory());
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) { // null when no PostgreSQL was found: the set-up failure is the one to report
            database.close();
        }
    }

    @BeforeEach
    void emptyTable() {
        database.execute("TRUNCATE config_versions");
    }

    @AfterEach
    void stopListener() {
        if (subscription != null) {
            subscription.dispose();
        }
        if (listener != null) {
            listener.stop();
        }
    }

    @Test
    void shouldReportTheCurrentVersionOnceConnected() throws InterruptedException {
        append(0);
        append(1);

        start(NOTIFY_ONLY);

        assertThat(received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(2L);
    }

    @Test
    void shouldReceiveANewVersionWithinASecond() throws InterruptedException {
        start(NOTIFY_ONLY);
        awaitListening();

        append(0);

        assertThat(received.poll(NOTIFIED, TimeUnit.SECONDS)).isEqualTo(1L);
        append(1);
        assertThat(received.poll(NOTIFIED, TimeUnit.SECONDS)).isEqualTo(2L);
    }

    @Test
    void shouldReconnectAfterItsSessionIsTerminatedAndNotMissTheChangeMadeMeanwhile() throws InterruptedException {
        // No poll within the test, and a reconnect backoff long enough that the write below lands while it is down
        start(new StoreProperties.Listener(
                Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofMillis(600), Duration.ofSeconds(1)));
        awaitListening();
        append(0);
        assertThat(received.poll(NOTIFIED, TimeUnit.SECONDS)).isEqualTo(1L);
        long firstSession = listenerSessionPid();

        // waits (up to 5 s) until the session has really gone
        database.execute("SELECT pg_terminate_backend(" + firstSession + ", 5000)");
        append(1);

        assertThat(received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(2L);
        awaitListening();
        assertThat(listenerSessionPid()).isNotEqualTo(firstSession);
        append(2);
        assertThat(received.poll(NOTIFIED, TimeUnit.SECONDS)).isEqualTo(3L);
        // no version twice: a duplicate would follow within the same NOTIFY latency, so wait that long for it
        assertThat(received.poll(NOTIFIED, TimeUnit.SECONDS))
                .as("a version reported twice")
                .isNull();
    }

    @Test
    void shouldFindAChangeByPollingWhenNoNotificationArrives() throws InterruptedException {
        start(new StoreProperties.Listener(
                Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(200)));
        awaitListening();
        database.execute("ALTER TABLE config_versions DISABLE TRIGGER config_versions_notify");
        try {
            append(0);

            assertThat(received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(1L);
        } finally {
            database.execute("ALTER TABLE config_versions ENABLE TRIGGER config_versions_notify");
        }
    }

    @Test
    void shouldCompleteChangesAndCloseItsSessionOnStop() throws InterruptedException {
        start(NOTIFY_ONLY);
        awaitListening();
        StepVerifier.Step<Long> lateSubscriber = listener.changes().as(StepVerifier::create);

        listener.stop();

        assertThat(listener.isRunning()).isFalse();
        lateSubscriber.expectComplete().verify(TIMEOUT);
        // the completion may reach the first subscriber on another thread: wait for it rather than look at once
        long completedBy = System.nanoTime() + TIMEOUT.toNanos();
        while (!subscription.isDisposed() && System.nanoTime() < completedBy) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertThat(subscription.isDisposed()).as("completed").isTrue();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (listenerSessions() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        assertThat(listenerSessions()).isZero();
    }

    private void start(StoreProperties.Listener settings) {
        listener = new ConfigChangeListener(database.connectionFactory(), settings);
        subscription = listener.changes().subscribe(received::add);
        listener.start();
    }

    /** LISTEN has completed once the listener's session is idle after something other than its SET. */
    private void awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (database.queryForLong(LISTENER_SESSIONS + " AND state = 'idle' AND query NOT ILIKE 'SET %'") == 0) {
            assertThat(System.nanoTime())
                    .as("listener listening within %s", TIMEOUT)
                    .isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private long listenerSessions() {
        return database.queryForLong(LISTENER_SESSIONS);
    }

    private long listenerSessionPid() {
        return database.queryForLong(LISTENER_SESSIONS.replace("count(*)", "max(pid)"));
    }

    private static void append(long expectedVersion) {
        store.append(Map.of("version", expectedVersion + 1), expectedVersion, "test", "")
                .block(TIMEOUT);
    }
}
