package io.fanout.config;

import static io.fanout.testsupport.FakeUpstream.status;

import io.fanout.testsupport.FanoutIntegrationTests;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes probes in file mode: {@code /actuator/health/liveness} and {@code /readiness} answer UP with only
 * their own members, and an open upstream circuit makes no health group DOWN (SPEC §10).
 */
class HealthGroupsTests extends FanoutIntegrationTests {

    @Test
    void shouldServeLivenessAndReadinessGroupsWithOnlyTheirOwnMembers() {
        client.get()
                .uri("/actuator/health/liveness")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP")
                .jsonPath("$.components.livenessState.status")
                .isEqualTo("UP")
                .jsonPath("$.components.upstreams")
                .doesNotExist()
                .jsonPath("$.components.r2dbc")
                .doesNotExist();
        client.get()
                .uri("/actuator/health/readiness")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP")
                .jsonPath("$.components.readinessState.status")
                .isEqualTo("UP")
                .jsonPath("$.components.upstreams")
                .doesNotExist()
                .jsonPath("$.components.r2dbc")
                .doesNotExist(); // file mode has no database
    }

    @Test
    void shouldStayUpInEveryGroupWhileAnUpstreamCircuitIsOpen() {
        install("""
                upstreams:
                  hg-breaker:
                    url: "${A}"
                    circuit-breaker: { min-calls: 2, failure-rate: 50%, window: 10s, open-for: 60s }
                endpoints:
                  hg-breaker:
                    path: /hg-breaker
                    calls:
                      x: { upstream: hg-breaker, path: /b }
                """);
        A.on("/b", status(500, "{}"));
        client.get().uri("/hg-breaker").exchange().expectStatus().isEqualTo(502);
        client.get().uri("/hg-breaker").exchange().expectStatus().isEqualTo(502);
        client.get().uri("/hg-breaker").exchange().expectStatus().isEqualTo(503);

        client.get()
                .uri("/actuator/health")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP")
                .jsonPath("$.components.upstreams.status")
                .isEqualTo("UP")
                .jsonPath("$.components.upstreams.details.circuits.hg-breaker")
                .isEqualTo("open");
        for (String group : new String[] {"liveness", "readiness"}) {
            client.get()
                    .uri("/actuator/health/" + group)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.status")
                    .isEqualTo("UP");
        }
    }
}
