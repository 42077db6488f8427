package io.fanout.jobs;

import io.fanout.FanoutApplication;
import io.fanout.testsupport.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Database mode with neither {@code FANOUT_JOBS_TOKEN} nor {@code FANOUT_ADMIN_TOKEN}: the jobs API is disabled, a
 * 403 problem that says how to enable it, whatever token the caller sends (SPEC §4/§5), and nothing is stored.
 */
@SpringBootTest(
        classes = FanoutApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"fanout.warm-up=false", "fanout.store.listener.poll-interval=10m"})
@AutoConfigureWebTestClient
@DirtiesContext // close the context (and its sessions) before the database is dropped at JVM exit
class JobsDisabledIntegrationTests {

    private static final TestDatabase DATABASE = TestDatabase.create();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        DATABASE.registerR2dbcProperties(registry);
    }

    @Autowired
    WebTestClient client;

    @Test
    void shouldAnswer403NamingTheTokenWhenNoJobsTokenIsSet() {
        client = client.mutate().responseTimeout(Duration.ofSeconds(30)).build();

        for (String authorization : new String[] {"", "Bearer guess", "Bearer "}) {
            client.post()
                    .uri("/jobs")
                    .header("Authorization", authorization)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"endpoint\":\"x\",\"items\":[{\"id\":\"1\"}]}")
                    .exchange()
                    .expectStatus()
                    .isForbidden()
                    .expectHeader()
                    .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.status")
                    .isEqualTo(403)
                    .jsonPath("$.detail")
                    .value(detail -> org.assertj.core.api.Assertions.assertThat((String) detail)
                            .contains("FANOUT_JOBS_TOKEN"));
        }
        client.get().uri("/jobs").exchange().expectStatus().isForbidden();

        org.assertj.core.api.Assertions.assertThat(DATABASE.queryForLong("SELECT count(*) FROM jobs"))
                .isZero();
    }
}
