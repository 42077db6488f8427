package io.fanout.engine;

import static io.fanout.testsupport.FakeUpstream.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.FanoutIntegrationTests;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Secrets never logged (SPEC §6), for the secrets a client sends rather than the ones in the config: the admin
 * token (right or wrong, on the admin API and on health), and a client's own {@code Authorization} forwarded to a
 * failing upstream. Fanout's loggers and Spring's web loggers at DEBUG, the rest at their configured level.
 */
class TokenLoggingIntegrationTests extends FanoutIntegrationTests {

    private static final String WRONG_TOKEN = "wrong-9c1d77e2-never-logged";
    private static final String CLIENT_TOKEN = "client-3f0a81bb-never-logged";

    @Test
    void shouldLogNoBearerTokenOfAnAdminOrAClient() {
        install("""
                upstreams:
                  tl-users: { url: "${A}" }
                endpoints:
                  tl:
                    path: /tl
                    forward-headers: [Authorization]
                    calls:
                      u: { upstream: tl-users, path: /u }
                """);
        A.on("/u", status(500, "{\"error\":\"boom\"}"));

        List<String> lines;
        try (LogCapture logs = new LogCapture(
                "io.fanout",
                "org.springframework.web",
                "org.springframework.boot.actuate",
                "org.springframework.http")) {
            client.get()
                    .uri("/admin/config")
                    .header("Authorization", "Bearer " + ADMIN_TOKEN)
                    .exchange()
                    .expectStatus()
                    .isOk();
            client.get()
                    .uri("/admin/config")
                    .header("Authorization", "Bearer " + WRONG_TOKEN)
                    .exchange()
                    .expectStatus()
                    .isUnauthorized();
            client.get()
                    .uri("/actuator/health")
                    .header("Authorization", "Bearer " + ADMIN_TOKEN)
                    .exchange()
                    .expectStatus()
                    .isOk();
            client.get()
                    .uri("/tl")
                    .header("Authorization", "Bearer " + CLIENT_TOKEN)
                    .exchange()
                    .expectStatus()
                    .isEqualTo(502);
            lines = logs.events("").stream().map(LogCapture::printed).toList();
        }

        assertThat(A.seen("/u"))
                .singleElement()
                .satisfies(s -> assertThat(s.header("Authorization")).isEqualTo("Bearer " + CLIENT_TOKEN));
        assertThat(lines)
                .as("something was logged at DEBUG, so the check below means something")
                .isNotEmpty();
        assertThat(lines)
                .noneMatch(l -> l.contains(ADMIN_TOKEN))
                .noneMatch(l -> l.contains(WRONG_TOKEN))
                .noneMatch(l -> l.contains(CLIENT_TOKEN));
    }
}
