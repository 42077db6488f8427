package io.fanout.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.FanoutIntegrationTests;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

class ReadOnlyAdminApiIntegrationTests extends FanoutIntegrationTests {

    private static final String CONFIG = """
            upstreams:
              a:
                url: "${A}"
                headers: { Authorization: "Bearer ${HOME}" }
            endpoints:
              one:
                path: /one/{id}
                calls:
                  x: { upstream: a, path: "/x/{path.id}" }
            """;

    @Test
    void shouldAnswer401WithoutOrWithWrongToken() {
        install(CONFIG);

        client.get()
                .uri("/admin/config")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        client.get()
                .uri("/admin/config")
                .header("Authorization", "Bearer nope")
                .exchange()
                .expectStatus()
                .isUnauthorized();
    }

    @Test
    void shouldServeConfigAsJsonAndYamlWithVersionAndSecretsAsWritten() {
        install(CONFIG);

        String json = client.get()
                .uri("/admin/config")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .accept(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueMatches("ETag", "\"\\d+\"")
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        String yaml = client.get()
                .uri("/admin/config")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .accept(MediaType.parseMediaType("application/yaml"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith("application/yaml")
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        assertThat(json).contains("\"Bearer ${HOME}\"").doesNotContain(System.getenv("HOME") + "\"");
        assertThat(yaml).contains("Bearer ${HOME}").contains("endpoints:");
    }

    @Test
    void shouldRefuseWritesWith409ReadOnly() {
        install(CONFIG);

        client.put()
                .uri("/admin/config")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}")
                .exchange()
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.detail")
                .value(d -> assertThat(d.toString()).contains("read-only"));
        client.delete()
                .uri("/admin/upstreams/a")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isEqualTo(409);
        client.post()
                .uri("/admin/config/versions/1/restore")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isEqualTo(409);
    }

    @Test
    void shouldAnswer405WithAllowForMethodsAResourceDoesNotHave() {
        install(CONFIG);

        client.post()
                .uri("/admin/config")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isEqualTo(405)
                .expectHeader()
                .valueEquals("Allow", "GET, HEAD, PUT");
        client.delete()
                .uri("/admin/config/versions")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isEqualTo(405)
                .expectHeader()
                .valueEquals("Allow", "GET, HEAD");
    }

    @Test
    void shouldServeUpstreamStatusWithRecentLatencyAndErrors() {
        install(CONFIG.replace("headers:", "bulkhead: { max-concurrent: 5 }\n    headers:"));
        A.on("/x/1", io.fanout.testsupport.FakeUpstream.json("{}"));
        client.get().uri("/one/1").exchange().expectStatus().isOk();
        // the permit is returned just after the answer went out (the call's doFinally): wait for that, boundedly
        long until = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (!statusBody().contains("\"bulkheadInUse\" : 0") && System.nanoTime() < until) {
            Thread.onSpinWait();
        }

        client.get()
                .uri("/admin/upstreams/a/status")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.upstream")
                .isEqualTo("a")
                .jsonPath("$.bulkheadInUse")
                .isEqualTo(0)
                .jsonPath("$.bulkheadMax")
                .isEqualTo(5)
                .jsonPath("$.recentAttempts")
                .isEqualTo(1)
                .jsonPath("$.errorRate")
                .isEqualTo(0.0);
        client.get()
                .uri("/admin/upstreams/nope/status")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void shouldServeSectionsAnd404ForUnknownNames() {
        install(CONFIG);

        client.get()
                .uri("/admin/endpoints/one")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.path")
                .isEqualTo("/one/{id}");
        client.get()
                .uri("/admin/upstreams/zzz")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    private String statusBody() {
        return String.valueOf(client.get()
                .uri("/admin/upstreams/a/status")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());
    }
}
