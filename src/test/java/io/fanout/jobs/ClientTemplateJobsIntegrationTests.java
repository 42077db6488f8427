package io.fanout.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * SPEC §8: job items run with the submitter's authority, so an endpoint whose templates read who is calling
 * ({@code {client.*}}, {@code {claims.*}}) is refused at submit with 400 naming the template; an endpoint with
 * {@code auth} but no such template runs as a job without auth, scopes or quotas.
 */
class ClientTemplateJobsIntegrationTests extends JobsTestBase {

    private static final String EDGE_CONFIG = """
            clients:
              api-keys:
                keys:
                  app: { sha256: %s }
              plans:
                default: { rate: 1/h, burst: 1 }
            upstreams:
              users: { url: "${U}", timeout: 2s }
            endpoints:
              mine:
                path: /v1/mine/{id}
                auth: required
                calls:
                  user: { upstream: users, path: "/users/{path.id}", headers: { X-Client: "{client.id}" } }
              user:
                path: /v1/users/{id}
                auth: required
                deadline: 5s
                calls:
                  user: { upstream: users, path: "/users/{path.id}" }
            """.formatted("ab".repeat(32));

    @Test
    void shouldRefuseAJobOfAnEndpointReadingTheClientNamingTheTemplate() {
        install(EDGE_CONFIG);

        String body = post("/jobs")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"endpoint\":\"mine\",\"items\":[{\"id\":\"1\"}]}")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        assertThat(body).contains("{client.id}").contains("cannot run as a job");
        assertThat(USERS.seen()).isEmpty();
    }

    @Test
    void shouldRunItemsOfAnEndpointWithAuthWithoutAuthOrQuota() {
        install(EDGE_CONFIG);
        usersAnswer(java.time.Duration.ZERO);

        long id = submitIds(3, 2);

        io.fanout.testsupport.Eventually.await(
                WAIT,
                "job " + id + " completed",
                () -> "completed".equals(job(id).get("state").asString()),
                () -> job(id));
        assertThat(job(id).get("failed").asLong()).isZero();
    }
}
