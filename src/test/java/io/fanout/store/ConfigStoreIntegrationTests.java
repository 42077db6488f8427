package io.fanout.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fanout.testsupport.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class ConfigStoreIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static TestDatabase database;
    private static ConfigStore store;

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

    @Test
    void shouldBeEmptyBeforeAnythingIsStored() {
        store.latest().as(StepVerifier::create).expectComplete().verify(TIMEOUT);
        store.latestVersion()
                .as(StepVerifier::create)
                .expectNext(0L)
                .expectComplete()
                .verify(TIMEOUT);
        store.version(1).as(StepVerifier::create).expectComplete().verify(TIMEOUT);
        store.versions().as(StepVerifier::create).expectComplete().verify(TIMEOUT);
    }

    @Test
    void shouldAppendNumberedVersionsAndReadThemBack() {
        store.append(document("a"), 0, "alice", "first").block(TIMEOUT);
        store.append(document("b"), 1, "bob", "second").block(TIMEOUT);

        StoredConfig third = store.append(document("c"), 2, "carol", "third").block(TIMEOUT);

        assertThat(third.version()).isEqualTo(3);
        assertThat(third.info().createdBy()).isEqualTo("carol");
        assertThat(third.info().reason()).isEqualTo("third");
        assertThat(third.document()).isEqualTo(document("c"));
        assertThat(store.latest().block(TIMEOUT)).isEqualTo(third);
        assertThat(store.version(2).block(TIMEOUT).document()).isEqualTo(document("b"));
        assertThat(store.version(2).block(TIMEOUT).info().createdBy()).isEqualTo("bob");
        assertThat(store.versions().map(VersionInfo::version).collectList().block(TIMEOUT))
                .containsExactly(3L, 2L, 1L);
        assertThat(store.versions(3, 1).map(VersionInfo::version).collectList().block(TIMEOUT))
                .containsExactly(2L);
        assertThat(store.versions().blockFirst(TIMEOUT)).isEqualTo(third.info());
    }

    @Test
    void shouldRefuseAppendOnStaleOrFutureVersionWithVersionConflict() {
        store.append(document("a"), 0, "alice", "").block(TIMEOUT);
        store.append(document("b"), 1, "alice", "").block(TIMEOUT);

        store.append(document("stale"), 1, "bob", "")
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOfSatisfying(VersionConflict.class, conflict -> {
                            assertThat(conflict.expectedVersion()).isEqualTo(1);
                            assertThat(conflict.latestVersion()).isEqualTo(2);
                        }))
                .verify(TIMEOUT);
        store.append(document("future"), 5, "bob", "")
                .as(StepVerifier::create)
                .expectError(VersionConflict.class)
                .verify(TIMEOUT);

        assertThat(store.latestVersion().block(TIMEOUT)).isEqualTo(2);
    }

    @Test
    void shouldLetExactlyOneOfConcurrentAppendsOnTheSameVersionWin() {
        for (int round = 0; round < 10; round++) {
            long base = store.latestVersion().block(TIMEOUT);
            int writers = 4;

            List<Signal<StoredConfig>> outcomes = Flux.range(0, writers)
                    .flatMap(writer -> store.append(document("writer-" + writer), base, "writer-" + writer, "race")
                            .subscribeOn(Schedulers.parallel())
                            .materialize())
                    .collectList()
                    .block(TIMEOUT);

            assertThat(outcomes).filteredOn(Signal::isOnNext).hasSize(1);
            assertThat(outcomes)
                    .filteredOn(Signal::isOnError)
                    .hasSize(writers - 1)
                    .allSatisfy(signal -> assertThat(signal.getThrowable()).isInstanceOf(VersionConflict.class));
            assertThat(store.latestVersion().block(TIMEOUT)).isEqualTo(base + 1);
        }
    }

    @Test
    void shouldImportOnlyIntoAnEmptyStore() {
        StoredConfig imported = store.importIfEmpty(document("from-file")).block(TIMEOUT);

        StoredConfig again = store.importIfEmpty(document("other-file")).block(TIMEOUT);

        assertThat(imported.version()).isEqualTo(1);
        assertThat(imported.info().createdBy()).isEqualTo(ConfigStore.IMPORT_AUTHOR);
        assertThat(again).isEqualTo(imported);
        store.append(document("edited"), 1, "alice", "").block(TIMEOUT);
        assertThat(store.importIfEmpty(document("third-file")).block(TIMEOUT).version())
                .isEqualTo(2);
        assertThat(store.versions().count().block(TIMEOUT)).isEqualTo(2);
    }

    @Test
    void shouldImportOnceWhenInstancesStartTogetherOnAnEmptyDatabase() {
        for (int round = 0; round < 5; round++) {
            database.execute("TRUNCATE config_versions");

            List<StoredConfig> results = Flux.range(0, 6)
                    .flatMap(instance -> store.importIfEmpty(document("instance-" + instance))
                            .subscribeOn(Schedulers.parallel()))
                    .collectList()
                    .block(TIMEOUT);

            assertThat(results)
                    .hasSize(6)
                    .allSatisfy(result -> assertThat(result.version()).isEqualTo(1));
            assertThat(results.stream().map(StoredConfig::document).distinct()).hasSize(1);
            assertThat(store.versions().count().block(TIMEOUT)).isEqualTo(1);
        }
    }

    @Test
    void shouldKeepDocumentAsWrittenIncludingKeyOrderNestingAndSecretReferences() {
        Map<String, Object> upstream = new LinkedHashMap<>();
        upstream.put("url", "https://users.internal");
        upstream.put("headers", Map.of("Authorization", "Bearer ${USERS_TOKEN}"));
        upstream.put("timeout", "250ms");
        Map<String, Object> upstreams = new LinkedHashMap<>();
        upstreams.put("users", upstream);
        upstreams.put("orders", Map.of("url", "https://orders.internal"));
        upstreams.put("a", Map.of("url", "https://a.internal"));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("version", 1);
        document.put("upstreams", upstreams);
        document.put("endpoints", new ArrayList<>(Arrays.asList("zeta", null, 2.5, true, 12345678901L)));
        document.put("on", "retry");

        store.append(document, 0, "alice", "").block(TIMEOUT);
        Map<String, Object> stored = store.latest().block(TIMEOUT).document();

        assertThat(stored).isEqualTo(document);
        assertThat(stored.keySet()).containsExactly("version", "upstreams", "endpoints", "on");
        @SuppressWarnings("unchecked")
        Map<String, Object> storedUpstreams = (Map<String, Object>) stored.get("upstreams");
        assertThat(storedUpstreams.keySet()).containsExactly("users", "orders", "a");
        assertThat(List.copyOf(((Map<?, ?>) storedUpstreams.get("users")).keySet()))
                .isEqualTo(List.of("url", "headers", "timeout"));
        assertThat(((Map<?, ?>) ((Map<?, ?>) storedUpstreams.get("users")).get("headers")).get("Authorization"))
                .isEqualTo("Bearer ${USERS_TOKEN}");
        assertThatThrownBy(() -> stored.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldRejectRewritingHistoryInTheDatabase() {
        store.append(document("a"), 0, "alice", "").block(TIMEOUT);

        assertThatThrownBy(() -> database.execute("UPDATE config_versions SET reason = 'rewritten'"))
                .hasStackTraceContaining("immutable");
        assertThatThrownBy(() -> database.execute("DELETE FROM config_versions"))
                .hasStackTraceContaining("immutable");
    }

    @Test
    void shouldNotTouchTheDatabaseUntilSubscribed() {
        Mono<StoredConfig> append = store.append(document("lazy"), 0, "alice", "");

        assertThat(store.latestVersion().block(TIMEOUT)).isZero();
        assertThat(append.block(TIMEOUT).version()).isEqualTo(1);
    }

    private static Map<String, Object> document(String marker) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("marker", marker);
        document.put("upstreams", Map.of());
        return document;
    }
}
