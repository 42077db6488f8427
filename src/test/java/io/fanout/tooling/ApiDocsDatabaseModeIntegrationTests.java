package io.fanout.tooling;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.FanoutApplication;
import io.fanout.json.JsonCodec;
import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FakeUpstream;
import io.fanout.testsupport.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Database mode on a real PostgreSQL: a config written through the admin API shows up in {@code /v3/api-docs}, and
 * the schema stays reachable without a token.
 */
@SpringBootTest(
        classes = FanoutApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "fanout.warm-up=false",
            "FANOUT_ADMIN_TOKEN=" + ApiDocsDatabaseModeIntegrationTests.TOKEN,
            "fanout.store.listener.poll-interval=10m"
        })
@AutoConfigureWebTestClient
@DirtiesContext // close the context (and its listener session) before the database is dropped at JVM exit
class ApiDocsDatabaseModeIntegrationTests {

    static final String TOKEN = "docs-admin-token";

    private static final FakeUpstream UPSTREAM = FakeUpstream.start();
    private static final TestDatabase database = TestDatabase.create();
    private static final String BASE = """
            upstreams:
              users: { url: "%s" }
            endpoints:
              first:
                path: /first/{id}
                calls:
                  user: { upstream: users, path: "/users/{path.id}" }
            """.formatted(UPSTREAM.url());

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        database.registerR2dbcProperties(registry);
        registry.add("fanout.config", () -> write(BASE).toString());
    }

    @Autowired
    WebTestClient client;

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.close();
    }

    @Test
    void shouldDescribeTheEndpointsOfAConfigWrittenThroughTheAdminApi() {
        client = client.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        assertThat(apiDocs().get("paths").has("/first/{id}")).isTrue();

        client.put()
                .uri("/admin/endpoints/second")
                .header("Authorization", "Bearer " + TOKEN)
                .contentType(MediaType.parseMediaType("application/yaml"))
                .bodyValue("""
                        path: /second/{orderId}
                        calls:
                          order: { upstream: users, path: "/orders/{path.orderId}", query: { v: "{query.v}" } }
                        """)
                .exchange()
                .expectStatus()
                .is2xxSuccessful();

        Eventually.await(
                Duration.ofSeconds(15),
                "the new endpoint in /v3/api-docs",
                () -> apiDocs().get("paths").has("/second/{orderId}"),
                () -> apiDocs().get("paths"));
        JsonNode doc = apiDocs();
        assertThat(doc.get("paths").has("/first/{id}")).isTrue();
        assertThat(doc.at("/paths/~1second~1{orderId}/get/parameters")
                        .valueStream()
                        .map(p -> p.get("name").asString())
                        .toList())
                .contains("orderId", "v");
        assertThat(doc.at("/info/description").asString()).doesNotContain("version 1.");
        client.get().uri(ConfigSchema.PATH).exchange().expectStatus().isOk();
    }

    private JsonNode apiDocs() {
        byte[] body = client.get()
                .uri("/v3/api-docs")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult()
                .getResponseBody();
        assertThat(body).isNotNull();
        return JsonCodec.MAPPER.readTree(new String(body, StandardCharsets.UTF_8));
    }

    private static Path write(String content) {
        try {
            Path dir = Files.createTempDirectory("fanout-docs-db");
            return Files.writeString(dir.resolve("imported.yaml"), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
