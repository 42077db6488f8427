package io.fanout.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fanout.compile.ConfigEnvironment;
import io.fanout.compile.ConfigPipeline;
import io.fanout.compile.ValidatedConfig;
import io.fanout.definition.InvalidConfigException;
import io.fanout.definition.UpstreamDefinition;
import io.fanout.engine.ActiveConfig;
import io.fanout.store.ConfigChangeListener;
import io.fanout.store.ConfigStore;
import io.fanout.store.StartupConfigReader;
import io.fanout.store.StoreProperties;
import io.fanout.store.StoredConfig;
import io.fanout.store.VersionConflict;
import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.TestDatabase;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.UpstreamRequest;
import io.fanout.upstream.UpstreamResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * {@link DatabaseStartup} and {@link ConfigApplier} without Spring, on a fresh migrated database each: what is
 * imported at first start, how concurrent writers and other instances' versions are applied, and which clients a
 * refused change closes.
 */
class ConfigApplierIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String V1 = """
            # comments are not kept, keys and secrets are
            upstreams:
              zeta: { url: "http://127.0.0.1:1", headers: { Authorization: "Bearer ${HOME}" } }
              alpha: { url: "http://127.0.0.1:2" }
            endpoints:
              e:
                path: /e
                calls:
                  x: { upstream: zeta, path: /x }
            """;

    private final List<TrackedClient> clients = new CopyOnWriteArrayList<>();
    private final ConfigPipeline compiler = new ConfigPipeline(
            upstream -> {
                TrackedClient client = new TrackedClient(upstream);
                clients.add(client);
                return client;
            },
            new SimpleMeterRegistry(),
            ConfigEnvironment.databaseMode(System::getenv, "HOME, FANOUT_SURELY_*"));

    private TestDatabase database;
    private ConfigStore store;
    private ConfigChangeListener listener;

    @BeforeEach
    void freshDatabase() {
        database = TestDatabase.createMigrated();
        store = new ConfigStore(database.connectionFactory());
        listener = new ConfigChangeListener(
                database.connectionFactory(),
                new StoreProperties.Listener(
                        Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(1)));
    }

    @AfterEach
    void dropDatabase() {
        // null when no PostgreSQL was found: the set-up failure is the one to report
        if (listener != null) {
            listener.stop();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void shouldImportTheFileAsWrittenIntoAnEmptyDatabaseOnly() throws IOException {
        Path file = Files.writeString(Files.createTempFile("fanout", ".yaml"), V1);

        var first = startup().initial(file, compiler);
        var second = startup().initial(Path.of("/no/such/file.yaml"), compiler);

        assertThat(first.version()).isEqualTo(1);
        assertThat(second.version())
                .as("the database wins; the file is not even read")
                .isEqualTo(1);
        StoredConfig stored = store.version(1).block(TIMEOUT);
        assertThat(stored.info().createdBy()).isEqualTo(ConfigStore.IMPORT_AUTHOR);
        assertThat(ConfigDocumentsView.section(stored.document(), "upstreams").keySet())
                .containsExactly("zeta", "alpha");
        assertThat(stored.document().toString()).contains("Bearer ${HOME}");
    }

    @Test
    void shouldNeverImportAFileThatUsesAVariableTheAllowListDoesNotName() throws IOException {
        Path file = Files.writeString(Files.createTempFile("fanout", ".yaml"), V1.replace("${HOME}", "${PATH}"));

        assertThatThrownBy(() -> startup().initial(file, compiler))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("upstreams.zeta.headers.Authorization: environment variable 'PATH' is not"
                        + " allowed in database mode");
        assertThat(database.queryForLong("SELECT count(*) FROM config_versions"))
                .isZero();
    }

    @Test
    void shouldNeverImportAnInvalidFile() throws IOException {
        Path file = Files.writeString(
                Files.createTempFile("fanout", ".yaml"), V1.replace("upstream: zeta", "upstream: nope"));

        assertThatThrownBy(() -> startup().initial(file, compiler))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("endpoints.e.calls.x.upstream");
        assertThat(database.queryForLong("SELECT count(*) FROM config_versions"))
                .isZero();
    }

    @Test
    void shouldLetExactlyOneOfTwoConcurrentWritersWinAndCloseTheLosersNewClients() throws IOException {
        Path file = Files.writeString(Files.createTempFile("fanout", ".yaml"), V1);
        ConfigApplier applier = applier(new ActiveConfig(startup().initial(file, compiler), false));
        ValidatedConfig one = compiler.validate(document(V1.replace("127.0.0.1:1", "127.0.0.1:11")));
        ValidatedConfig two = compiler.validate(document(V1.replace("127.0.0.1:1", "127.0.0.1:12")));

        List<Object> outcomes = Flux.merge(
                        applier.store(one, 1, "one", "race").cast(Object.class).onErrorResume(Mono::just),
                        applier.store(two, 1, "two", "race").cast(Object.class).onErrorResume(Mono::just))
                .collectList()
                .block(TIMEOUT);

        assertThat(outcomes).hasSize(2);
        assertThat(outcomes).filteredOn(VersionConflict.class::isInstance).hasSize(1);
        assertThat(outcomes).filteredOn(StoredConfig.class::isInstance).hasSize(1);
        assertThat(applier.activeVersion()).isEqualTo(2);
        String winner = ((StoredConfig) outcomes.stream()
                        .filter(StoredConfig.class::isInstance)
                        .findFirst()
                        .orElseThrow())
                .info()
                .createdBy();
        String losersUrl = winner.equals("one") ? "http://127.0.0.1:12" : "http://127.0.0.1:11";
        String winnersUrl = winner.equals("one") ? "http://127.0.0.1:11" : "http://127.0.0.1:12";
        assertThat(clients)
                .filteredOn(c -> c.url().equals(losersUrl))
                .allMatch(TrackedClient::closed)
                .isNotEmpty();
        assertThat(clients).filteredOn(c -> c.url().equals(winnersUrl)).noneMatch(TrackedClient::closed);
        assertThat(clients)
                .as("the unchanged upstream keeps its one client")
                .filteredOn(c -> c.url().equals("http://127.0.0.1:2"))
                .hasSize(1)
                .noneMatch(TrackedClient::closed);
    }

    @Test
    void shouldApplyVersionsStoredElsewhereAndSkipOnesThatDoNotCompileHere() {
        ActiveConfig active = new ActiveConfig(startup().initial(null, compiler), false);
        ConfigApplier applier = applier(active);
        listener.start();
        applier.start();

        // as another instance would: straight into the store, bypassing this instance's applier
        append(V1, 1);
        Eventually.await(TIMEOUT, "version 2 applied", () -> applier.activeVersion() == 2, applier::activeVersion);
        append(V1.replace("${HOME}", "${FANOUT_SURELY_UNSET_VARIABLE}"), 2);
        append(V1.replace("/x", "/y"), 3);
        Eventually.await(TIMEOUT, "version 4 applied", () -> applier.activeVersion() == 4, applier::activeVersion);

        assertThat(active.current()
                        .definition()
                        .endpoints()
                        .get("e")
                        .calls()
                        .get("x")
                        .path())
                .isEqualTo("/y");
        applier.stop();
    }

    private DatabaseStartup startup() {
        return new DatabaseStartup(
                StartupConfigReader.forR2dbc(database.r2dbcUrl(), database.username(), database.password()));
    }

    private ConfigApplier applier(ActiveConfig active) {
        return new ConfigApplier(active, compiler, store, listener);
    }

    private void append(String yaml, long expected) {
        store.append(document(yaml), expected, "elsewhere", "test")
                .as(StepVerifier::create)
                .expectNextCount(1)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> document(String yaml) {
        return (Map<String, Object>) ConfigPipeline.read(yaml);
    }

    /** Reads a section of a generic document. */
    private static final class ConfigDocumentsView {
        @SuppressWarnings("unchecked")
        static Map<String, Object> section(Map<String, Object> document, String key) {
            return (Map<String, Object>) document.get(key);
        }
    }

    /** A client that only records whether it was closed; these tests never call upstreams. */
    private static final class TrackedClient implements UpstreamClient {
        private final String url;
        private volatile boolean closed;

        TrackedClient(UpstreamDefinition upstream) {
            this.url = upstream.url();
        }

        String url() {
            return url;
        }

        boolean closed() {
            return closed;
        }

        @Override
        public Mono<UpstreamResponse> exchange(UpstreamRequest request, CallBudget budget) {
            return Mono.error(new IllegalStateException("not called in these tests"));
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
