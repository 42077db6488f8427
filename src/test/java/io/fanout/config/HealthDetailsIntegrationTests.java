package io.fanout.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.FanoutIntegrationTests;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/**
 * {@code /actuator/health} over HTTP (SPEC §6): anonymous callers, and callers with a wrong token, get the status
 * only; the admin token's holder gets the components with their details (config version, circuit states).
 */
class HealthDetailsIntegrationTests extends FanoutIntegrationTests {

    @Test
    void shouldShowAnonymousCallersTheStatusOnly() {
        String body = client.get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        assertThat(body)
                .contains("\"status\":\"UP\"")
                .doesNotContain("components", "circuits", "configVersion", "details");
    }

    @Test
    void shouldTreatAWrongTokenAsAnonymous() {
        String body = client.get()
                .uri("/actuator/health")
                .header(HttpHeaders.AUTHORIZATION, "Bearer not-the-" + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        assertThat(body).contains("\"status\":\"UP\"").doesNotContain("components", "circuits");
    }

    @Test
    void shouldShowTheAdminTheComponentsAndTheirDetails() {
        install("""
                upstreams:
                  hd-users: { url: "${A}", circuit-breaker: { min-calls: 5 } }
                endpoints:
                  hd:
                    path: /hd
                    calls:
                      u: { upstream: hd-users, path: /u }
                """);

        client.get()
                .uri("/actuator/health")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP")
                .jsonPath("$.components.upstreams.details.configVersion")
                .isNumber()
                .jsonPath("$.components.upstreams.details.circuits.hd-users")
                .isEqualTo("closed");
    }

    @Test
    void shouldHideTheComponentsOfAProbeFromAnonymousCallers() {
        String body = client.get()
                .uri("/actuator/health/readiness")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        assertThat(body).contains("\"status\":\"UP\"").doesNotContain("components", "readinessState");
    }
}
