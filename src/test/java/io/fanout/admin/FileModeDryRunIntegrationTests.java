package io.fanout.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.plan.CompiledConfig;
import io.fanout.testsupport.FanoutIntegrationTests;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** SPEC §10: {@code PUT /admin/config?dry-run=true} answers as in database mode without a database too. */
class FileModeDryRunIntegrationTests extends FanoutIntegrationTests {

    private static final MediaType YAML = MediaType.parseMediaType("application/yaml");

    private static final String CONFIG = """
            upstreams:
              a:
                url: "${A}"
                timeout: 2s
              spare:
                url: "${A}"
            endpoints:
              one:
                path: /one/{id}
                calls:
                  x: { upstream: a, path: "/x/{path.id}" }
            """;

    @Test
    void shouldReportAValidDryRunAndApplyNothing() {
        install(CONFIG);
        CompiledConfig before = active.current();
        String proposed = CONFIG.replace("${A}", A.url())
                .replace("  spare:\n", "  extra:\n")
                .replace("/x/{path.id}", "/y/{path.id}");

        client.put()
                .uri("/admin/config?dry-run=true")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .contentType(YAML)
                .bodyValue(proposed)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("ETag", "\"" + before.version() + "\"")
                .expectBody()
                .jsonPath("$.dryRun")
                .isEqualTo(true)
                .jsonPath("$.valid")
                .isEqualTo(true)
                .jsonPath("$.currentVersion")
                .isEqualTo(before.version())
                .jsonPath("$.changes.upstreams.added[0]")
                .isEqualTo("extra")
                .jsonPath("$.changes.upstreams.removed[0]")
                .isEqualTo("spare")
                .jsonPath("$.changes.endpoints.changed[0]")
                .isEqualTo("one");

        assertThat(active.current()).isSameAs(before);
        assertThat(active.current().definition().upstreams())
                .containsKey("spare")
                .doesNotContainKey("extra");
    }

    @Test
    void shouldAnswer422WithLocatedProblemsForAnInvalidDryRunAndApplyNothing() {
        install(CONFIG);
        CompiledConfig before = active.current();
        String invalid = CONFIG.replace("${A}", A.url())
                .replace("timeout: 2s", "timeout: soon")
                .replace("upstream: a,", "upstream: nope,");

        client.put()
                .uri("/admin/config?dry-run=true")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
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
                .isEqualTo(2)
                .jsonPath("$.errors[?(@.location == 'upstreams.a.timeout')]")
                .exists()
                .jsonPath("$.errors[?(@.location == 'endpoints.one.calls.x.upstream')]")
                .exists()
                .jsonPath("$.detail")
                .value(d -> assertThat(d.toString()).contains("nothing was stored"));

        assertThat(active.current()).isSameAs(before);
    }

    @Test
    void shouldStillAnswer409ForTheSameChangeWithoutDryRun() {
        install(CONFIG);
        CompiledConfig before = active.current();

        client.put()
                .uri("/admin/config?dry-run=false")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .contentType(YAML)
                .bodyValue(CONFIG.replace("${A}", A.url()))
                .exchange()
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.detail")
                .value(d -> assertThat(d.toString()).contains("read-only"));

        assertThat(active.current()).isSameAs(before);
    }

    @Test
    void shouldAnswer412ForADryRunBasedOnAnotherVersion() {
        install(CONFIG);
        long current = active.current().version();

        client.put()
                .uri("/admin/config?dry-run=true")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("If-Match", "\"" + (current - 1) + "\"")
                .contentType(YAML)
                .bodyValue(CONFIG.replace("${A}", A.url()))
                .exchange()
                .expectStatus()
                .isEqualTo(412)
                .expectHeader()
                .valueEquals("ETag", "\"" + current + "\"");
    }

    @Test
    void shouldRefuseADryRunWithoutTheToken() {
        install(CONFIG);

        client.put()
                .uri("/admin/config?dry-run=true")
                .contentType(YAML)
                .bodyValue(CONFIG)
                .exchange()
                .expectStatus()
                .isUnauthorized();
    }
}
