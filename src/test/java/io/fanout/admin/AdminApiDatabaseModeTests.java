package io.fanout.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.FanoutApplication;
import io.fanout.compile.ConfigPipeline;
import io.fanout.engine.ActiveConfig;
import io.fanout.json.JsonCodec;
import io.fanout.testsupport.FakeUpstream;
import io.fanout.testsupport.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * The admin API of database mode (SPEC §4) on a real PostgreSQL: every status, If-Match, dry run, validation,
 * sections, versions and restore, YAML and JSON both ways, secrets as written. Each test starts from {@link #BASE}
 * written as a new version, so tests do not depend on each other's order.
 */
@SpringBootTest(
        classes = FanoutApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "fanout.warm-up=false",
            "FANOUT_ADMIN_TOKEN=" + AdminApiDatabaseModeTests.TOKEN,
            "fanout.admin.tokens.alice=" + AdminApiDatabaseModeTests.ALICE_TOKEN,
            "fanout.store.listener.poll-interval=10m",
            "fanout.config.env-allow=HOME"
        })
@AutoConfigureWebTestClient
@DirtiesContext // close the context (and its listener session) before the database is dropped at JVM exit
class AdminApiDatabaseModeTests {

    static final String TOKEN = "db-admin-token";
    static final String ALICE_TOKEN = "alice-secret-token";
    private static final MediaType YAML = MediaType.parseMediaType("application/yaml");

    private static final FakeUpstream UPSTREAM = FakeUpstream.start();
    private static final TestDatabase database = TestDatabase.create();

    /** Secrets are written as ${HOME}: an environment variable that exists, so the config compiles. */
    private static final String BASE = """
            upstreams:
              a:
                url: "%s"
                timeout: 2s
                headers: { Authorization: "Bearer ${HOME}" }
              spare:
                url: "%s"
            endpoints:
              one:
                path: /one/{id}
                calls:
                  x: { upstream: a, path: "/x/{path.id}" }
            """.formatted(UPSTREAM.url(), UPSTREAM.url());

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        database.registerR2dbcProperties(registry);
        registry.add(
                "fanout.config",
                () -> write("imported.yaml", BASE.replace("/x/", "/imported/")).toString());
    }

    @Autowired
    WebTestClient client;

    @Autowired
    ActiveConfig active;

    @LocalServerPort
    int port;

    @BeforeEach
    void startFromBase() {
        // generous: the 5 s default flaked on a loaded 2-core box
        client = client.mutate()
                .responseTimeout(java.time.Duration.ofSeconds(30))
                .build();
        UPSTREAM.reset();
        UPSTREAM.on("*", FakeUpstream.json("{\"ok\":true}"));
        put("/admin/config", YAML, BASE).expectStatus().isOk();
    }

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.close();
    }

    @Test
    void shouldHaveImportedTheStartFileAsVersion1() {
        String v1 = get("/admin/config/versions/1", MediaType.APPLICATION_JSON)
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("ETag", "\"1\"")
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        assertThat(v1).contains("/imported/{path.id}").contains("Bearer ${HOME}");
        client.get()
                .uri("/admin/config/versions?before=2&limit=1")
                .header("Authorization", "Bearer " + TOKEN)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.versions[0].version")
                .isEqualTo(1)
                .jsonPath("$.versions[0].createdBy")
                .isEqualTo("fanout")
                .jsonPath("$.versions[0].reason")
                .value(r -> assertThat(r.toString()).contains("imported"));
    }

    @Test
    void shouldAnswer401ForMissingOrWrongTokensAndAcceptNamedTokens() {
        client.get()
                .uri("/admin/config")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        client.get()
                .uri("/admin/config")
                .header("Authorization", "Bearer wrong")
                .exchange()
                .expectStatus()
                .isUnauthorized();
        client.put()
                .uri("/admin/config")
                .header("Authorization", "Bearer wrong")
                .contentType(YAML)
                .bodyValue(BASE)
                .exchange()
                .expectStatus()
                .isUnauthorized();
        client.get()
                .uri("/admin/config")
                .header("Authorization", "Bearer " + ALICE_TOKEN)
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void shouldReplaceTheConfigAndServeItRightAway() {
        long before = active.current().version();

        put("/admin/config", YAML, BASE.replace("/x/", "/changed/"))
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("ETag", "\"" + (before + 1) + "\"");

        assertThat(active.current().version()).isEqualTo(before + 1);
        client.get().uri("/one/7").exchange().expectStatus().isOk();
        assertThat(UPSTREAM.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/changed/7");
    }

    @Test
    void shouldRoundTripYamlAndJsonWithSecretsAsWritten() {
        put("/admin/config", YAML, BASE).expectStatus().isOk();
        String json = get("/admin/config", MediaType.APPLICATION_JSON)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        put("/admin/config", MediaType.APPLICATION_JSON, json).expectStatus().isOk();
        String yaml = get("/admin/config", YAML)
                .expectHeader()
                .contentTypeCompatibleWith(YAML)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        assertThat(tree(json)).isEqualTo(tree(BASE));
        assertThat(tree(yaml)).isEqualTo(tree(BASE));
        assertThat(json).contains("Bearer ${HOME}").doesNotContain(System.getenv("HOME") + "\"");
        assertThat(yaml).contains("Bearer ${HOME}");
        long latest = database.queryForLong("SELECT max(version) FROM config_versions");
        assertThat(database.queryForLong("SELECT count(*) FROM config_versions WHERE version = " + latest
                        + " AND document::text LIKE '%Bearer ${HOME}%'"))
                .isEqualTo(1);
    }

    @Test
    void shouldValidateOnlyOnDryRun() {
        long before = latestStored();

        client.put()
                .uri("/admin/config?dry-run=true")
                .header("Authorization", "Bearer " + TOKEN)
                .contentType(YAML)
                .bodyValue(BASE.replace("  spare:\n", "  extra:\n"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.dryRun")
                .isEqualTo(true)
                .jsonPath("$.valid")
                .isEqualTo(true)
                .jsonPath("$.currentVersion")
                .isEqualTo(before)
                .jsonPath("$.changes.upstreams.added[0]")
                .isEqualTo("extra")
                .jsonPath("$.changes.upstreams.removed[0]")
                .isEqualTo("spare");
        client.put()
                .uri("/admin/upstreams/a?dry-run=true")
                .header("Authorization", "Bearer " + TOKEN)
                .contentType(YAML)
                .bodyValue("url: not-a-url\n")
                .exchange()
                .expectStatus()
                .isEqualTo(422);

        assertThat(latestStored()).isEqualTo(before);
        assertThat(active.current().version()).isEqualTo(before);
        assertThat(active.current().definition().upstreams()).containsKey("spare");
    }

    @Test
    void shouldAnswer422ListingEveryProblemAndStoreNothing() {
        long before = latestStored();
        String invalid = BASE.replace("timeout: 2s", "timeout: soon")
                .replace("upstream: a,", "upstream: nope,")
                .replace("path: /one/{id}", "path: /one/{id}\n    colour: red");

        client.put()
                .uri("/admin/config")
                .header("Authorization", "Bearer " + TOKEN)
                .contentType(YAML)
                .bodyValue(invalid)
                .exchange()
                .expectStatus()
                .isEqualTo(422)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("https://fanout.dev/problems/invalid-config")
                .jsonPath("$.errors.length()")
                .isEqualTo(3)
                .jsonPath("$.errors[?(@.location == 'upstreams.a.timeout')]")
                .exists()
                .jsonPath("$.errors[?(@.location == 'endpoints.one.colour')]")
                .exists()
                .jsonPath("$.errors[?(@.location == 'endpoints.one.calls.x.upstream')]")
                .exists()
                .jsonPath("$.detail")
                .value(d ->
                        assertThat(d.toString()).contains("upstreams.a.timeout").contains("nothing was stored"));

        assertThat(latestStored()).isEqualTo(before);
        assertThat(active.current().version()).isEqualTo(before);
    }

    @Test
    void shouldAnswer422ForVariablesADatabaseModeConfigMayNotUse() {
        long before = latestStored();
        String leaking = BASE.replace(
                "\"Bearer ${HOME}\" }",
                "\"Bearer ${HOME}\", X-Leak: \"${SPRING_R2DBC_PASSWORD}\", X-Other: \"${PATH}\" }");

        client.put()
                .uri("/admin/config")
                .header("Authorization", "Bearer " + TOKEN)
                .contentType(YAML)
                .bodyValue(leaking)
                .exchange()
                .expectStatus()
                .isEqualTo(422)
                .expectBody()
                .jsonPath("$.errors.length()")
                .isEqualTo(2)
                .jsonPath("$.errors[?(@.location =~ /.*X-Leak/)].message")
                .isEqualTo("environment variable 'SPRING_R2DBC_PASSWORD' is never expanded")
                .jsonPath("$.errors[?(@.location =~ /.*X-Other/)].message")
                .isEqualTo("environment variable 'PATH' is not allowed in database mode");

        assertThat(latestStored()).isEqualTo(before);
    }

    @Test
    void shouldAnswer412WhenIfMatchIsStale() {
        long current = latestStored();

        client.put()
                .uri("/admin/config")
                .header("Authorization", "Bearer " + TOKEN)
                .header("If-Match", "\"" + (current - 1) + "\"")
                .contentType(YAML)
                .bodyValue(BASE)
                .exchange()
                .expectStatus()
                .isEqualTo(412)
                .expectHeader()
                .valueEquals("ETag", "\"" + current + "\"")
                .expectBody()
                .jsonPath("$.currentVersion")
                .isEqualTo(current);
        client.delete()
                .uri("/admin/upstreams/spare")
                .header("Authorization", "Bearer " + TOKEN)
                .header("If-Match", "\"" + (current - 1) + "\"")
                .exchange()
                .expectStatus()
                .isEqualTo(412);
        assertThat(latestStored()).isEqualTo(current);

        client.put()
                .uri("/admin/config")
                .header("Authorization", "Bearer " + TOKEN)
                .header("If-Match", "\"" + current + "\"")
                .contentType(YAML)
                .bodyValue(BASE)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("ETag", "\"" + (current + 1) + "\"");
    }

    @Test
    void shouldCreateReplaceAndDeleteUpstreams() {
        client.put()
                .uri("/admin/upstreams/b")
                .header("Authorization", "Bearer " + TOKEN)
                .contentType(YAML)
                .bodyValue("url: " + UPSTREAM.url() + "\ntimeout: 300ms\n")
                .exchange()
                .expectStatus()
                .isCreated()
                .expectHeader()
                .valueMatches("Location", ".*/admin/upstreams/b");
        put("/admin/upstreams/b", MediaType.APPLICATION_JSON, "{\"url\": \"" + UPSTREAM.url() + "\"}")
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.url")
                .isEqualTo(UPSTREAM.url());
        get("/admin/upstreams/b", YAML)
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .value(y -> assertThat(y).contains("url:").doesNotContain("300ms"));

        client.delete()
                .uri("/admin/upstreams/b")
                .header("Authorization", "Bearer " + TOKEN)
                .exchange()
                .expectStatus()
                .isNoContent()
                .expectHeader()
                .exists("ETag");
        client.delete()
                .uri("/admin/upstreams/b")
                .header("Authorization", "Bearer " + TOKEN)
                .exchange()
                .expectStatus()
                .isNotFound();
        get("/admin/upstreams/b", MediaType.APPLICATION_JSON).expectStatus().isNotFound();
        assertThat(active.current().definition().upstreams()).doesNotContainKey("b");
    }

    @Test
    void shouldKeepEveryConcurrentSectionChangeMadeWithoutIfMatch() {
        WebClient http = WebClient.create("http://127.0.0.1:" + port);

        List<Integer> statuses = Flux.range(1, 4)
                .flatMap(i -> http.put()
                        .uri("/admin/upstreams/parallel-" + i)
                        .header("Authorization", "Bearer " + TOKEN)
                        .contentType(YAML)
                        .bodyValue("url: " + UPSTREAM.url() + "\n")
                        .exchangeToMono(response -> response.releaseBody()
                                .thenReturn(response.statusCode().value())))
                .collectList()
                .block(Duration.ofSeconds(30));

        assertThat(statuses).containsOnly(201);
        assertThat(active.current().definition().upstreams())
                .containsKeys("parallel-1", "parallel-2", "parallel-3", "parallel-4");
    }

    @Test
    void shouldAnswer409WhenDeletingAnUpstreamInUse() {
        long before = latestStored();

        client.delete()
                .uri("/admin/upstreams/a")
                .header("Authorization", "Bearer " + TOKEN)
                .exchange()
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.usedBy[0]")
                .isEqualTo("endpoints.one.calls.x")
                .jsonPath("$.detail")
                .value(d -> assertThat(d.toString()).contains("endpoints.one.calls.x"));

        assertThat(latestStored()).isEqualTo(before);
    }

    @Test
    void shouldCreateServeAndDeleteEndpoints() {
        put("/admin/endpoints/two", YAML, """
                path: /two/{id}
                calls:
                  y: { upstream: spare, path: "/y/{path.id}" }
                """).expectStatus().isCreated();

        client.get().uri("/two/5").exchange().expectStatus().isOk();
        assertThat(UPSTREAM.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/y/5");

        put("/admin/endpoints/two", YAML, "path: /two/{id}\ncalls:\n  y: { upstream: ghost, path: /y }\n")
                .expectStatus()
                .isEqualTo(422)
                .expectBody()
                .jsonPath("$.errors[0].location")
                .isEqualTo("endpoints.two.calls.y.upstream");
        client.delete()
                .uri("/admin/endpoints/two")
                .header("Authorization", "Bearer " + TOKEN)
                .exchange()
                .expectStatus()
                .isNoContent();
        client.get().uri("/two/5").exchange().expectStatus().isNotFound();
    }

    @Test
    void shouldListVersionsWithAuthorAndReasonAndRestoreAnOldOne() {
        client.put()
                .uri("/admin/config")
                .header("Authorization", "Bearer " + ALICE_TOKEN)
                .header(AdminRoutes.REASON_HEADER, "ticket 42")
                .contentType(YAML)
                .bodyValue(BASE.replace("/x/", "/alice/"))
                .exchange()
                .expectStatus()
                .isOk();
        long alices = latestStored();

        client.get()
                .uri("/admin/config/versions")
                .header("Authorization", "Bearer " + TOKEN)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.active")
                .isEqualTo(alices)
                .jsonPath("$.versions[0].version")
                .isEqualTo(alices)
                .jsonPath("$.versions[0].createdBy")
                .isEqualTo("alice")
                .jsonPath("$.versions[0].reason")
                .value(r -> assertThat(r.toString()).startsWith("ticket 42"))
                .jsonPath("$.versions[1].version")
                .isEqualTo(alices - 1)
                .jsonPath("$.versions[1].createdBy")
                .isEqualTo("admin");

        client.post()
                .uri("/admin/config/versions/1/restore")
                .header("Authorization", "Bearer " + TOKEN)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("ETag", "\"" + (alices + 1) + "\"");
        client.get().uri("/one/3").exchange().expectStatus().isOk();
        assertThat(UPSTREAM.seen()).extracting(FakeUpstream.Seen::uri).containsExactly("/imported/3");
        assertThat(tree(get("/admin/config", MediaType.APPLICATION_JSON)
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody()))
                .isEqualTo(tree(get("/admin/config/versions/1", MediaType.APPLICATION_JSON)
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody()));

        client.post()
                .uri("/admin/config/versions/9999/restore")
                .header("Authorization", "Bearer " + TOKEN)
                .exchange()
                .expectStatus()
                .isNotFound();
        client.get()
                .uri("/admin/config/versions/latest")
                .header("Authorization", "Bearer " + TOKEN)
                .exchange()
                .expectStatus()
                .isBadRequest();
    }

    @Test
    void shouldAnswer405WithAllowAnd404ForUnknownResources() {
        client.post()
                .uri("/admin/config")
                .header("Authorization", "Bearer " + TOKEN)
                .exchange()
                .expectStatus()
                .isEqualTo(405)
                .expectHeader()
                .valueEquals("Allow", "GET, HEAD, PUT")
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        client.delete()
                .uri("/admin/config")
                .header("Authorization", "Bearer " + TOKEN)
                .exchange()
                .expectStatus()
                .isEqualTo(405);
        client.get()
                .uri("/admin/config/versions/1/restore")
                .header("Authorization", "Bearer " + TOKEN)
                .exchange()
                .expectStatus()
                .isEqualTo(405)
                .expectHeader()
                .valueEquals("Allow", "POST");
        client.post()
                .uri("/admin/upstreams/a")
                .header("Authorization", "Bearer " + TOKEN)
                .exchange()
                .expectStatus()
                .isEqualTo(405)
                .expectHeader()
                .valueEquals("Allow", "GET, HEAD, PUT, DELETE");
        client.get()
                .uri("/admin/nothing-here")
                .header("Authorization", "Bearer " + TOKEN)
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void shouldRejectBodiesThatAreNotYamlOrJson() {
        long before = latestStored();

        client.put()
                .uri("/admin/config")
                .header("Authorization", "Bearer " + TOKEN)
                .contentType(MediaType.TEXT_PLAIN)
                .bodyValue(BASE)
                .exchange()
                .expectStatus()
                .isEqualTo(415);
        put("/admin/config", YAML, "upstreams: [unclosed\n")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.detail")
                .value(d -> assertThat(d.toString()).contains("line"));
        put("/admin/config", MediaType.APPLICATION_JSON, "[1, 2]")
                .expectStatus()
                .isEqualTo(422);
        put("/admin/config", YAML, "# padding\n".repeat(120_000) + BASE)
                .expectStatus()
                .isEqualTo(413);

        assertThat(latestStored()).isEqualTo(before);
    }

    private WebTestClient.ResponseSpec get(String uri, MediaType accept) {
        return client.get()
                .uri(uri)
                .header("Authorization", "Bearer " + TOKEN)
                .accept(accept)
                .exchange();
    }

    private WebTestClient.ResponseSpec put(String uri, MediaType type, String body) {
        return client.put()
                .uri(uri)
                .header("Authorization", "Bearer " + TOKEN)
                .contentType(type)
                .accept(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private static long latestStored() {
        return database.queryForLong("SELECT max(version) FROM config_versions");
    }

    /** A document as a plain tree, to compare YAML and JSON by content rather than by text. */
    private static Object tree(String text) {
        Object tree = ConfigPipeline.read(text);
        // through JSON: YAML and JSON loaders may pick different number types for the same value
        return JsonCodec.MAPPER.readValue(JsonCodec.MAPPER.writeValueAsBytes(tree), Map.class);
    }

    private static Path write(String name, String content) {
        try {
            Path dir = Files.createTempDirectory("fanout-admin-db");
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
